"""Planned drills and each campus's iCalendar feed."""
