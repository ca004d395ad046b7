"""Signing in and out, password changes."""
