"""Drills, real SRP events, medical calls, exports; compliance pages; calendar admin."""
