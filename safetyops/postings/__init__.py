"""Public drill postings, cancelled or missed drills, and the drill schedule export."""
