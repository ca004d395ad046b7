"""The demo district (Aspen Valley Public Schools), loaded only into an empty database."""
