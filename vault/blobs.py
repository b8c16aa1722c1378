"""vault.blobs (being built)."""
