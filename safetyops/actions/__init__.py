"""After-action: corrective actions from a drill's problems, tracked to closure."""
