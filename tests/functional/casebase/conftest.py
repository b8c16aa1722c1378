"""A case base with two administrators and a trusted organisation, on SQLite or PostgreSQL."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from casebase.app import create_app
from casebase.bootstrap import change_trust
from casebase.config import CasebaseConfig
from casebase.keyfiles import public_key_text
from casebase.synthetic import SigningOrganisation, synthetic_record
from casebase.trust import add_admin

TODAY = "2026-11-23"


@dataclass
class CasebaseEnv:
    app: object
    admins: list = field(default_factory=list)
    org: SigningOrganisation = field(default_factory=lambda: SigningOrganisation("org-a"))
    rng: random.Random = field(default_factory=lambda: random.Random(11))

    @property
    def client(self):
        return self.app.test_client()

    def session(self):
        return self.app.extensions["casebase"]["sessions"]()

    def trust(self, org_id: str, public_key: str, **extra) -> None:
        statement = {"action": "add", "org_id": org_id, "release_pk": public_key,
                     "not_before": "2020-01-01", **extra}
        self.change(statement)

    def change(self, statement: dict) -> None:
        with self.session() as session:
            change_trust(session, statement, self.admins, TODAY)
            session.commit()

    def record(self, **changes) -> dict:
        record = synthetic_record(self.rng, year=2023)
        record.update(changes)
        return record

    def post(self, package, client=None):
        client = client or self.client
        return client.post("/api/v1/ingest", data=json.dumps(package),
                           content_type="application/json")


def make_env(tmp_path: Path, database_url: str, **settings) -> CasebaseEnv:
    config = CasebaseConfig(database_url=database_url, keys_dir=tmp_path / "keys",
                            secret_key="s" * 64, **{"publication_delay_days": 0, **settings})
    env = CasebaseEnv(app=create_app(config, today=lambda: TODAY))
    env.app.config["WTF_CSRF_ENABLED"] = False
    with env.session() as session:
        for n in (1, 2):
            key = SigningKey.generate()
            add_admin(session, f"admin-{n}", public_key_text(key), TODAY)
            env.admins.append((f"admin-{n}", key))
        session.commit()
    env.trust("org-a", env.org.release_pk)
    return env


@pytest.fixture
def cb_env(tmp_path, database_url) -> CasebaseEnv:
    env = make_env(tmp_path, database_url)
    yield env
    env.app.extensions["casebase"]["engine"].dispose()


@pytest.fixture
def cb_env_factory(tmp_path, database_url):
    made = []

    def factory(**settings):
        env = make_env(tmp_path, database_url, **settings)
        made.append(env)
        return env

    yield factory
    for env in made:
        env.app.extensions["casebase"]["engine"].dispose()
