"""The one scheduler process and the registry of every area's periodic jobs."""
