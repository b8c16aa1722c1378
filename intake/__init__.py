"""Haven: intake."""
