"""Live drill mode: campus areas, a drill run on the tablets, per-area times."""
