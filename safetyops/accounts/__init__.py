"""Staff accounts: signing in and out, passwords, API tokens, user administration."""
