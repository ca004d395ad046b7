"""Each role's home page and the navigation."""
