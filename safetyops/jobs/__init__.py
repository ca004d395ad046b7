"""The scheduler process and its job functions."""
