"""Campuses (school sites) and their checkpoints: pages, administration, CSV import, QR
codes and the API."""
