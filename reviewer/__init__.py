"""Haven: reviewer."""
