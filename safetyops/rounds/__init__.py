"""Patrol rounds on tablets: plans, walking a round, missed rounds, photos, API."""
