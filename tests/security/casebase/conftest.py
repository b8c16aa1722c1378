"""A small case base for the security tests (own fixture names: cb_sec_*)."""

import random

import pytest
from nacl.signing import SigningKey

from casebase.app import create_app
from casebase.bootstrap import change_trust
from casebase.config import CasebaseConfig
from casebase.keyfiles import public_key_text
from casebase.synthetic import SigningOrganisation, synthetic_record
from casebase.trust import add_admin

TODAY = "2026-11-23"


@pytest.fixture
def cb_sec_app(tmp_path, database_url):
    config = CasebaseConfig(database_url=database_url, keys_dir=tmp_path / "keys",
                            secret_key="q" * 64, publication_delay_days=0)
    app = create_app(config, today=lambda: TODAY)
    org = SigningOrganisation("org-a")
    admins = []
    with app.extensions["casebase"]["sessions"]() as session:
        for n in (1, 2):
            key = SigningKey.generate()
            add_admin(session, f"admin-{n}", public_key_text(key), TODAY)
            admins.append((f"admin-{n}", key))
        change_trust(session, {"action": "add", "org_id": "org-a",
                               "release_pk": org.release_pk, "not_before": "2020-01-01"},
                     admins, TODAY)
        session.commit()
    app.config["cb_org"] = org
    app.config["cb_rng"] = random.Random(5)
    yield app
    app.extensions["casebase"]["engine"].dispose()


@pytest.fixture
def cb_sec_release():
    return release


def release(app, **changes):
    record = synthetic_record(app.config["cb_rng"], year=2023)
    record.update(changes)
    package = app.config["cb_org"].release(record)
    response = app.test_client().post("/api/v1/ingest", json=package)
    assert response.status_code == 201, response.json
    return package["package"]["record_id"]
