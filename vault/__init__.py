"""Haven: vault."""
