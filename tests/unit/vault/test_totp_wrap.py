"""TOTP secrets sealed at rest (vault.totp_wrap): bound to the account, tamper-evident, and
the plaintext-to-sealed data step is idempotent."""

from __future__ import annotations

import stat
import uuid

import pyotp
import pytest
import sqlalchemy as sa

from vault import reviewer_store, totp_wrap
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import TotpSecretUnreadable
from vault.reviewer_models import Account


def test_key_file_is_made_once_with_mode_0600(tmp_path):
    path = tmp_path / "keys" / totp_wrap.KEY_FILE
    key = totp_wrap.load_or_create_key(path)
    assert len(key) == totp_wrap.KEY_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert totp_wrap.load_or_create_key(path) == key  # never overwritten
    path.write_text("not hex")
    with pytest.raises(TotpSecretUnreadable, match="unreadable"):
        totp_wrap.load_or_create_key(path)
    path.write_text("00" * 16)
    with pytest.raises(TotpSecretUnreadable, match="32 bytes"):
        totp_wrap.load_or_create_key(path)


def test_sealed_secret_opens_only_for_its_account_and_key():
    key, other_key = b"\x01" * 32, b"\x02" * 32
    account, other = str(uuid.uuid4()), str(uuid.uuid4())
    secret = pyotp.random_base32()
    sealed = totp_wrap.seal_secret(key, account, secret)
    assert totp_wrap.is_sealed(sealed)
    assert secret not in sealed
    assert len(sealed) <= 160  # fits the column  # noqa: PLR2004
    assert totp_wrap.open_secret(key, account, sealed) == secret
    for bad_key, bad_account in ((other_key, account), (key, other)):
        with pytest.raises(TotpSecretUnreadable):
            totp_wrap.open_secret(bad_key, bad_account, sealed)
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(TotpSecretUnreadable):
        totp_wrap.open_secret(key, account, tampered)
    assert totp_wrap.plaintext_secret(key, account, secret) == secret  # legacy row
    with pytest.raises(TotpSecretUnreadable, match="not sealed"):
        totp_wrap.open_secret(key, account, secret)


def test_plaintext_secrets_are_sealed_once(database_url):
    migrate(database_url)
    factory = session_factory(make_engine(database_url))
    with transaction(factory) as session:
        created = reviewer_store.create_account(session, username="tina", roles=["admin"],
                                                password="a long enough password")
    key = b"\x03" * 32
    with transaction(factory) as session:
        assert totp_wrap.seal_plaintext_secrets(session, key) == 1
    with transaction(factory) as session:
        assert totp_wrap.seal_plaintext_secrets(session, key) == 0
        stored = session.scalar(sa.select(Account.totp_secret).where(
            Account.id == created.account_id))
    assert totp_wrap.is_sealed(stored)
    assert totp_wrap.open_secret(key, created.account_id, stored) == created.totp_secret
