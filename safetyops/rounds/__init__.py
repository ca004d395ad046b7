"""Patrol rounds on tablets: plans, walking a round, findings, missed rounds, QR sheets."""
