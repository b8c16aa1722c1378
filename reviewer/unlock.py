"""Unwrap a reviewer's keys with their passphrase, in this process only (S13), and the
step-up check (passphrase again) before raw downloads, re-seals, approvals and exports.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from reviewer.errors import KeyLocked, WrongPassphrase
from reviewer.keyring import ReviewerKeys
from reviewer.vault_client import VaultClient
from reviewer.vault_types import WrappedKey
from vault.accounts import KdfParams, SecretKeys, unwrap_secret_keys, wrap_secret_keys
from vault.errors import VaultError
from vault.keys import ReviewerKeyPair

USABLE = ("active", "retired")


@dataclass(frozen=True)
class Unwrapped:
    active_key_id: str
    secrets: dict[str, tuple[bytes, bytes]]


def unwrap_all(client: VaultClient, passphrase: str) -> Unwrapped:
    """Every usable key of the account; the active one must open or WrongPassphrase."""
    wrapped = [w for w in client.my_keys() if w.key.status in USABLE]
    active = [w for w in wrapped if w.key.status == "active"]
    if not active:
        raise KeyLocked("your key is not active yet: an admin must publish a bundle with it")
    secrets: dict[str, tuple[bytes, bytes]] = {}
    for item in wrapped:
        try:
            secrets[item.key.key_id] = _unwrap(item, passphrase)
        except WrongPassphrase:
            if item in active:
                raise
    return Unwrapped(active[0].key.key_id, secrets)


MIN_PASSPHRASE = 12


def create_key(client: VaultClient, passphrase: str) -> str:
    """Generate a keypair in this process, wrap it under the passphrase, register it.

    The secret keys never leave this process unwrapped; the API stores the wrapped form and
    the key becomes usable once an admin publishes a bundle that lists it (S3)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise WrongPassphrase(f"a key passphrase needs at least {MIN_PASSPHRASE} characters")
    pair = ReviewerKeyPair.generate()
    wrapped, kdf = wrap_secret_keys(passphrase, pair.key_id,
                                    SecretKeys(pair.x25519_sk, pair.ed25519_seed))
    client.register_key(pair.key_id, pair.x25519_pk, pair.ed25519_pk, wrapped=wrapped,
                        salt=kdf.salt, opslimit=kdf.opslimit, memlimit=kdf.memlimit)
    return pair.key_id


def has_any_key(client: VaultClient) -> bool:
    return any(w.key.status in ("active", "pending", "retired") for w in client.my_keys())


def confirm_passphrase(client: VaultClient, keys: ReviewerKeys, passphrase: str) -> None:
    """Step-up: the passphrase must unwrap the very key this session holds."""
    wrapped = next((w for w in client.my_keys() if w.key.key_id == keys.key_id), None)
    if wrapped is None:
        raise WrongPassphrase("your key is no longer registered")
    x25519_sk, _ = _unwrap(wrapped, passphrase)
    if not hmac.compare_digest(x25519_sk, bytes(keys.private_key())):
        raise WrongPassphrase("the passphrase opens a different key")


def _unwrap(item: WrappedKey, passphrase: str) -> tuple[bytes, bytes]:
    try:
        kdf = KdfParams(salt=item.kdf_salt, opslimit=item.kdf_opslimit,
                        memlimit=item.kdf_memlimit)
        opened = unwrap_secret_keys(passphrase, item.key.key_id, item.wrapped_secret_key, kdf)
    except VaultError:
        raise WrongPassphrase("wrong passphrase") from None
    # The wrapped secret must belong to the public keys the API lists for it.
    x25519_pk = bytes(PrivateKey(opened.x25519_sk).public_key)
    ed25519_pk = bytes(SigningKey(opened.ed25519_seed).verify_key)
    if x25519_pk != item.key.x25519_pk or ed25519_pk != item.key.ed25519_pk:
        raise WrongPassphrase("the wrapped key does not match its public keys")
    return opened.x25519_sk, opened.ed25519_seed
