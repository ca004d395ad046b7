"""The weekly report (page, print, PDF, snapshots) and streaming CSV exports."""
