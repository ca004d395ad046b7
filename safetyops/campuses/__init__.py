"""Campus pages everyone with access to a campus can read."""
