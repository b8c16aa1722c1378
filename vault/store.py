"""vault.store (being built)."""
