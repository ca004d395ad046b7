"""Security firms, officers' certifications with expiry reminders, and staff SRP training."""
