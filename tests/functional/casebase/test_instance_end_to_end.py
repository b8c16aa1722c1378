"""On a real instance (haven.instance.create_instance): seed with the CLI, serve the app
through haven.apps, then a release signed with the instance's release key appears and its
tombstone removes it — the path the reviewer app's release takes."""

import secrets

from click.testing import CliRunner
from nacl.signing import SigningKey

from haven.apps import create
from haven.cli import cli
from haven.instance import create_instance
from vault.canonical import utc_day
from vault.keys import add_days, load_signing_key
from vault.release_package import Approver, build_release, build_tombstone, sign_package

ORG = "demo-org"


def test_release_and_tombstone_from_an_instance_key(tmp_path, database_url):
    created = create_instance(tmp_path / "inst", org_id=ORG,
                              casebase_database_url=database_url)
    instance = str(created.config.instance_dir)
    runner = CliRunner()
    for args in (["casebase", "init"],
                 ["casebase", "seed-public-cases", "--org", ORG, "--trust", "--org-key",
                  str(created.config.keys_dir / "release.key")]):
        result = runner.invoke(cli, [*args, "--instance", instance])
        assert result.exit_code == 0, result.output
    app = create("casebase", created.config)
    client = app.test_client()
    assert client.get("/api/v1/cases").json["total"] == 5

    release_key = load_signing_key(created.config.keys_dir / "release.key", purpose="release")
    drafter = Approver("reviewer-1", SigningKey.generate())
    approver = Approver("coordinator-1", SigningKey.generate())
    record_id, today = secrets.token_hex(16), utc_day()
    record = {
        "kind": "individual", "title": "Lawyer questioned about UN contacts", "name": None,
        "country": "BY", "year": int(today[:4]) - 1, "year_to": None, "gender": None,
        "role": "lawyer", "acts": ["interrogation_un_contacts", "threats"],
        "perpetrators": ["security_services"], "mechanisms": ["special_procedures"],
        "engagement": "actual", "verification": "likely", "anonymity_requested": True,
        "named": False, "detained": False, "narrative": "Questioned twice about meetings.",
        "un_actors": [], "follow_up": [], "outcome": "ongoing", "sg_citations": [],
    }
    body = build_release(org_id=ORG, record_id=record_id, version=1, issued_at=today,
                         tier="public", consent_snapshot={"scopes": ["casebase_anonymized"],
                                                          "given_by": "victim",
                                                          "confirmed": today[:7]},
                         record=record, release_pk=bytes(release_key.verify_key),
                         drafter=drafter.public(), approver=approver.public())
    signed = sign_package(body, release_key, drafter.signing_key, approver.signing_key)
    response = client.post("/api/v1/ingest", json=signed)
    assert response.status_code == 201
    # The instance's default publication delay holds it back until due.
    assert response.json["state"] == "pending"
    assert client.get(f"/api/v1/cases/{record_id}").status_code == 404
    later = add_days(today, 8)
    app.extensions["casebase"]["today"] = lambda: later
    assert client.get(f"/api/v1/cases/{record_id}").json["title"] == record["title"]

    tombstone = sign_package(build_tombstone(org_id=ORG, record_id=record_id, version=2,
                                             issued_at=today, reason="consent_withdrawn",
                                             release_pk=bytes(release_key.verify_key)),
                             release_key)
    assert client.post("/api/v1/ingest", json=tombstone).json["outcome"] == "withdrawn"
    assert client.get(f"/api/v1/cases/{record_id}").status_code == 404
    feed = client.get(f"/api/v1/tombstones?since={today}").json
    assert [t["record_id"] for t in feed["tombstones"]] == [record_id]
