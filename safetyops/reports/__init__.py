"""Weekly reports (page, print, PDF) and streaming CSV exports."""
