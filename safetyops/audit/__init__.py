"""The append-only audit trail: who did what, when, through which interface."""
