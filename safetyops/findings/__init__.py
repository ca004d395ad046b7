"""Findings from rounds and what was done about them."""
