"""Haven: haven."""
