"""The notification centre, email preferences, planned drills and calendar feeds."""
