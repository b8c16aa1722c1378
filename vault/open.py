"""vault.open (being built)."""
