"""Fixtures of the vault API functional tests: a full instance, its app, bearer tokens."""

from __future__ import annotations

import pytest

from vault.api.app import create_app
from vault.api.credentials import issue_token
from vault.api.testkit import build_api_instance
from vault.db import transaction


@pytest.fixture
def vapi_settings():
    """Override in a test module to change ``[vault_api]`` settings."""
    return {}


@pytest.fixture
def vapi_instance(tmp_path, database_url, vapi_settings):
    return build_api_instance(tmp_path, database_url, api_settings=vapi_settings)


@pytest.fixture
def vapi_app(vapi_instance):
    return create_app(vapi_instance.config)


@pytest.fixture
def vapi_client(vapi_app):
    return vapi_app.test_client()


@pytest.fixture
def vapi_tokens(vapi_instance, vapi_app):
    """A bearer token per test account, issued as a successful login would."""
    import time

    tokens = {}
    with transaction(vapi_instance.sessions()) as session:
        for name, person in vapi_instance.people.items():
            tokens[name] = issue_token(session, person.account_id, int(time.time()))
    return tokens


@pytest.fixture
def vapi_as(vapi_tokens):
    """``vapi_as("coord")`` -> the Authorization header of that account."""

    def headers(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {vapi_tokens[name]}"}

    return headers


@pytest.fixture
def vapi_signed(vapi_instance, vapi_tokens):
    """``vapi_signed("vera", "key_request", report_id)`` -> the Authorization header plus
    a Haven-Action-Signature made with that person's reviewer key (S17); keyword
    arguments override the statement (``day=``, ``nonce=``, ``account_id=``, ``key_id=``)
    or sign with another person's key (``signer=``)."""
    from nacl.signing import SigningKey

    from vault.action_signature import HEADER, sign_action

    def headers(name: str, action: str, report_id: str | None = None, *,
                signer: str | None = None, **over: object) -> dict[str, str]:
        person = vapi_instance.people[name]
        key_owner = vapi_instance.people[signer or name]
        fields = {"account_id": person.account_id, "key_id": key_owner.key_id, **over}
        signed = sign_action(action, report_id,
                             signing_key=SigningKey(key_owner.keypair.ed25519_seed),
                             **fields)  # type: ignore[arg-type]
        return {"Authorization": f"Bearer {vapi_tokens[name]}", HEADER: signed.header_value()}

    return headers
