"""Safety-department administration: campuses, checkpoints, users."""
