"""A misconfigured intake answers 503 everywhere (fail closed), never half-serves."""

from __future__ import annotations

import json

import pytest

from intake.app import create_app


def _assert_closed(app):
    client = app.test_client()
    for method, path in (("get", "/"), ("get", "/report"), ("post", "/api/v1/submissions"),
                         ("get", "/bundle.json")):
        response = getattr(client, method)(path)
        assert response.status_code == 503
        assert response.headers["Cache-Control"] == "no-store"
        assert b"Nothing was sent or stored" in response.data


@pytest.mark.parametrize("intake", [
    {"pow_difficulty": "high"},
    {"no_such_setting": 1},
    {"pow_difficulty": 30, "pow_max_difficulty": 30},
    {"helplines": [{"kind": "fax", "name": "x", "contact": "y"}]},
    {"quick_exit_url": "javascript:alert(1)"},
])
def test_a_bad_intake_section_closes_the_site(tmp_path, database_url, intake_kit, intake):
    instance = intake_kit.build_instance(tmp_path, database_url, intake=intake)
    _assert_closed(create_app(instance.config))


def test_a_missing_bundle_closes_the_site(intake_instance):
    intake_instance.config.bundle_path.unlink()
    _assert_closed(create_app(intake_instance.config))


def test_a_tampered_bundle_closes_the_site(intake_instance):
    path = intake_instance.config.bundle_path
    document = json.loads(path.read_text())
    document["bundle"]["serial"] = 2
    path.write_text(json.dumps(document))
    _assert_closed(create_app(intake_instance.config))


def test_a_bundle_from_another_organisation_closes_the_site(intake_instance):
    organisation = intake_instance.config.organisation_path
    document = json.loads(organisation.read_text())
    document["fingerprint"] = "0000-0000-0000-0000-0000-0000-0000-0000"
    organisation.write_text(json.dumps(document))
    _assert_closed(create_app(intake_instance.config))


@pytest.mark.parametrize("content", [None, "not hex", "abcd"])
def test_a_missing_or_bad_pepper_closes_the_site(intake_instance, content):
    pepper = intake_instance.config.keys_dir / "lookup-pepper.key"
    if content is None:
        pepper.unlink()
    else:
        pepper.write_text(content)
    _assert_closed(create_app(intake_instance.config))


def test_an_unmigrated_database_closes_the_site(tmp_path, intake_kit):
    instance = intake_kit.build_instance(tmp_path, f"sqlite:///{tmp_path / 'v.db'}")
    (tmp_path / "v.db").unlink()
    _assert_closed(create_app(instance.config))
