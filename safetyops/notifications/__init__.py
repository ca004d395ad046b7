"""The notification centre, email preferences and email delivery."""
