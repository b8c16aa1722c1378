"""vault.accounts: passwords, TOTP replay protection, recovery codes, lockout, key wrapping."""

from __future__ import annotations

import secrets

import pyotp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault import accounts
from vault.errors import BadKdfParams, BadPassphrase, InvalidCredentials, WeakPassword

FAST = accounts.PasswordPolicy(time_cost=1, memory_kib=8192, parallelism=1)
NOW = 1_790_000_000.0


def test_password_round_trip_and_wrong_password():
    stored = accounts.hash_password("correct horse battery", FAST)
    assert stored.startswith("$argon2id$")
    assert accounts.verify_password(stored, "correct horse battery", FAST)
    assert not accounts.verify_password(stored, "correct horse batterY", FAST)
    assert not accounts.verify_password("not a hash", "correct horse battery", FAST)
    assert not accounts.verify_password(stored, "x" * 5000, FAST)


def test_password_policy_from_config_and_rehash():
    policy = accounts.PasswordPolicy.from_section(
        {"argon2_time_cost": 2, "argon2_memory_kib": 16384, "argon2_parallelism": 1}
    )
    assert policy == accounts.PasswordPolicy(2, 16384, 1)
    stored = accounts.hash_password("correct horse battery", FAST)
    assert accounts.password_needs_rehash(stored, policy)
    assert not accounts.password_needs_rehash(stored, FAST)


@pytest.mark.parametrize("password", ["", "short", "elevenchars"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(WeakPassword, match="at least 12"):
        accounts.hash_password(password, FAST)


def test_totp_accepts_drift_of_one_step_and_returns_the_step():
    secret = accounts.new_totp_secret()
    totp = pyotp.TOTP(secret)
    step = accounts.totp_step(NOW)
    for offset in (-1, 0, 1):
        code = totp.at((step + offset) * 30)
        assert accounts.verify_totp(secret, code, now=NOW, last_used_step=None) == step + offset
    with pytest.raises(InvalidCredentials, match="wrong"):
        accounts.verify_totp(secret, totp.at((step + 2) * 30), now=NOW, last_used_step=None)


def test_totp_code_is_never_accepted_twice():
    secret = accounts.new_totp_secret()
    code = pyotp.TOTP(secret).at(NOW)
    used = accounts.verify_totp(secret, code, now=NOW, last_used_step=None)
    with pytest.raises(InvalidCredentials, match="already used"):
        accounts.verify_totp(secret, code, now=NOW, last_used_step=used)
    # An older code still inside the drift window is a replay too.
    older = pyotp.TOTP(secret).at(NOW - 30)
    with pytest.raises(InvalidCredentials, match="already used"):
        accounts.verify_totp(secret, older, now=NOW, last_used_step=used)
    newer = pyotp.TOTP(secret).at(NOW + 30)
    assert accounts.verify_totp(secret, newer, now=NOW, last_used_step=used) == used + 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", None])
def test_malformed_totp_codes(code):
    with pytest.raises(InvalidCredentials, match="6 digits"):
        accounts.verify_totp(accounts.new_totp_secret(), code, now=NOW, last_used_step=None)


def test_provisioning_uri_and_qr_svg():
    secret = accounts.new_totp_secret()
    uri = accounts.totp_provisioning_uri(secret, "amira")
    assert uri.startswith("otpauth://totp/Haven:amira?")
    assert f"secret={secret}" in uri
    svg = accounts.totp_qr_svg(uri)
    assert svg.startswith("<svg")
    assert "<script" not in svg


def test_recovery_codes_are_80_bits_and_hash_per_account():
    codes = accounts.new_recovery_codes()
    assert len(codes) == 10
    assert len(set(codes)) == 10
    for code in codes:
        assert len(code.replace("-", "")) == 16
    code = codes[0]
    h1 = accounts.hash_recovery_code(code, "account-a")
    assert accounts.hash_recovery_code(code.upper().replace("-", " "), "account-a") == h1
    assert accounts.hash_recovery_code(code, "account-b") != h1


def test_lockout_backoff_doubles_to_a_ceiling():
    policy = accounts.LockoutPolicy(threshold=3, base_seconds=10, max_seconds=100)
    assert [policy.lock_seconds(n) for n in range(8)] == [0, 0, 0, 10, 20, 40, 80, 100]
    assert policy.lock_seconds(10_000) == 100
    assert accounts.LockoutPolicy.from_section({"lockout_threshold": 7}).threshold == 7


def test_tokens_are_random_and_stored_hashed():
    token, stored = accounts.new_token()
    assert token.startswith("hvt_")
    assert len(token) > 40
    assert stored == accounts.hash_token(token)
    assert token not in stored
    assert accounts.new_token()[0] != token


def _keys():
    return accounts.SecretKeys(secrets.token_bytes(32), secrets.token_bytes(32))


def test_wrap_and_unwrap_round_trip():
    keys = _keys()
    wrapped, kdf = accounts.wrap_secret_keys("a long passphrase", "key-1", keys)
    assert len(wrapped) == accounts.WRAPPED_LENGTH
    assert keys.x25519_sk not in wrapped
    assert keys.ed25519_seed not in wrapped
    assert accounts.unwrap_secret_keys("a long passphrase", "key-1", wrapped, kdf) == keys


def test_unwrap_refuses_wrong_passphrase_wrong_key_id_and_tampering():
    wrapped, kdf = accounts.wrap_secret_keys("a long passphrase", "key-1", _keys())
    with pytest.raises(BadPassphrase, match="wrong passphrase"):
        accounts.unwrap_secret_keys("a long passphrasE", "key-1", wrapped, kdf)
    with pytest.raises(BadPassphrase, match="wrong passphrase"):
        accounts.unwrap_secret_keys("a long passphrase", "key-2", wrapped, kdf)
    flipped = wrapped[:-1] + bytes([wrapped[-1] ^ 1])
    with pytest.raises(BadPassphrase, match="wrong passphrase"):
        accounts.unwrap_secret_keys("a long passphrase", "key-1", flipped, kdf)
    with pytest.raises(BadPassphrase, match="wrong length"):
        accounts.unwrap_secret_keys("a long passphrase", "key-1", wrapped[:-1], kdf)


@pytest.mark.parametrize(
    ("salt", "ops", "mem", "message"),
    [
        (b"short", 2, 67108864, "salt"),
        (b"s" * 16, 1, 67108864, "opslimit"),
        (b"s" * 16, 2, 1024, "memlimit"),
    ],
)
def test_kdf_params_are_checked(salt, ops, mem, message):
    with pytest.raises(BadKdfParams, match=message):
        accounts.KdfParams(salt=salt, opslimit=ops, memlimit=mem)


@settings(max_examples=25, deadline=None)
@given(code=st.text(max_size=40))
def test_recovery_code_normalisation_never_raises(code):
    assert isinstance(accounts.hash_recovery_code(code, "acct"), str)
