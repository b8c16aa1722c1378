"""Errors of the vault: every reject rule of vault/SPEC.md has its own class.

Each class carries a stable ``code`` (the name used in the test vectors' ``expect``
field and in API error bodies). Add new classes below the section they belong to.
"""


class VaultError(Exception):
    """Base class of every vault error."""

    code = "vault_error"


# --- encodings and signatures (vault.canonical) ---------------------------------------


class BadEncoding(VaultError):
    code = "bad_encoding"


class BadSignature(VaultError):
    code = "bad_signature"


# --- envelope format, sealing and opening (vault.format, vault.seal, vault.open) -------


# --- storage, blobs, audit (vault.store, vault.blobs, vault.audit) ---------------------
