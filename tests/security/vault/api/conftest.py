"""Fixtures of the vault API security tests (names distinct from the functional ones)."""

from __future__ import annotations

import time

import pytest

from vault.api.app import create_app
from vault.api.credentials import issue_token
from vault.api.testkit import build_api_instance
from vault.db import transaction


@pytest.fixture
def vsec_instance(tmp_path, database_url):
    return build_api_instance(tmp_path, database_url)


@pytest.fixture
def vsec_client(vsec_instance):
    return create_app(vsec_instance.config).test_client()


@pytest.fixture
def vsec_as(vsec_instance):
    def headers(name: str) -> dict[str, str]:
        with transaction(vsec_instance.sessions()) as session:
            token = issue_token(session, vsec_instance.people[name].account_id,
                                int(time.time()))
        return {"Authorization": f"Bearer {token}"}

    return headers
