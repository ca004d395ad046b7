"""Use cases: validate, check, write, audit. The only layer that commits."""
