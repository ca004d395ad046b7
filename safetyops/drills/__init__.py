"""Drill records and real SRP events, sign-off, amendments, medical calls, CSV import, exports."""
