"""Drill requirements: rule packs, the compliance engine, reminders and the compliance pages."""
