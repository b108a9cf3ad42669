"""insight package."""
