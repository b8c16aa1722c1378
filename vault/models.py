"""vault.models (being built)."""
