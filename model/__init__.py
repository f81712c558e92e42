"""alsodds."""
