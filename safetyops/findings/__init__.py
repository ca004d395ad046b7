"""Findings from rounds, what was done about them, and alerts on old ones."""
