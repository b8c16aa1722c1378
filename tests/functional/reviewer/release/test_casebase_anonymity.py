"""The case base's k-anonymity route (casebase/anonymity.py): partner token only, strict
query checking, counts over the merged case base per tier, withdrawn records not counted."""

from __future__ import annotations

import random

import pytest
from nacl.signing import SigningKey

from casebase.accounts import create_partner, issue_token
from casebase.app import create_app as create_casebase_app
from casebase.bootstrap import change_trust
from casebase.config import CasebaseConfig
from casebase.ingest import ingest
from casebase.keyfiles import public_key_text
from casebase.synthetic import SigningOrganisation, synthetic_record
from casebase.trust import add_admin
from reviewer.release.generalise import Recoding
from vault.canonical import utc_day

QI = {"kind": "individual", "country": "BH", "year": 2023, "year_to": None,
      "gender": "woman", "role": "hrd", "acts": ["travel_ban"], "mechanisms": ["hrc"],
      "perpetrators": ["immigration"], "detained": False}


@pytest.fixture
def cb(tmp_path, database_url):
    config = CasebaseConfig(database_url=database_url, keys_dir=tmp_path / "keys",
                            secret_key="s" * 64, publication_delay_days=0)
    app = create_casebase_app(config)
    orgs = {name: SigningOrganisation(name) for name in ("org-a", "org-b")}
    with app.extensions["casebase"]["sessions"]() as session:
        admins = []
        for n in (1, 2):
            key = SigningKey.generate()
            add_admin(session, f"admin-{n}", public_key_text(key), utc_day())
            admins.append((f"admin-{n}", key))
        for org in orgs.values():
            change_trust(session, {"action": "add", "org_id": org.org_id,
                                   "release_pk": org.release_pk, "not_before": "2020-01-01",
                                   "day": utc_day()}, admins, utc_day())
        partner = create_partner(session, "gate-a", "org-a", "p" * 16, utc_day())
        token = issue_token(session, partner, "gate", utc_day())
        rng = random.Random(5)
        ids = []
        for index, (org, tier, changes) in enumerate((
                ("org-a", "public", {}), ("org-b", "public", {}),
                ("org-b", "partner", {}), ("org-b", "public", {"acts": ["threats"]}),
                ("org-a", "public", {"year": 2022}), ("org-b", "public", {"role": "ngo_staff"}))):
            record = {**synthetic_record(rng, year=2023), **QI, **changes}
            signed = orgs[org].release(record, tier=tier, issued_at=utc_day(),
                                       record_id=f"{index:032x}")
            ingest(session, signed, today=utc_day(), publication_delay_days=0)
            ids.append(signed["package"]["record_id"])
        session.commit()
    yield app, token, orgs, ids
    app.extensions["casebase"]["engine"].dispose()


def ask(client, token, level=0, **changes):  # type: ignore[no-untyped-def]
    body = {"qi": {**QI, **changes}, "recode": Recoding.at(level).to_query(),
            "exclude_record_id": None}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/anonymity", json=body, headers=headers)


def test_counts_per_tier_over_every_organisation(cb):
    app, token, _orgs, _ids = cb
    answer = ask(app.test_client(), token)
    assert answer.status_code == 200
    classes = answer.get_json()["classes"]
    assert classes["public"] == {"k": 2, "act_categories": ["intimidation", "movement"]}
    assert classes["public_partner"]["k"] == 3  # noqa: PLR2004


def test_recoding_widens_the_class(cb):
    app, token, _orgs, _ids = cb
    client = app.test_client()
    banded = ask(client, token, 1).get_json()["classes"]["public"]["k"]
    grouped = ask(client, token, 2).get_json()["classes"]["public"]["k"]
    assert (banded, grouped) == (3, 4)


def test_act_category_level_counts_other_acts_of_the_category(cb):
    app, token, _orgs, _ids = cb
    client = app.test_client()
    # travel_ban and passport are both "movement": one class by category, two by act id
    assert ask(client, token, 2, acts=["passport"]).get_json()["classes"]["public"]["k"] == 0
    by_category = ask(client, token, 3, acts=["passport"]).get_json()["classes"]["public"]
    assert by_category == {"k": 4, "act_categories": ["intimidation", "movement"]}


def test_withdrawn_records_are_not_counted(cb):
    app, token, orgs, ids = cb
    with app.extensions["casebase"]["sessions"]() as session:
        ingest(session, orgs["org-a"].tombstone(ids[0], version=2, issued_at=utc_day()),
               today=utc_day(), publication_delay_days=0)
        session.commit()
    assert ask(app.test_client(), token).get_json()["classes"]["public"]["k"] == 1


def test_needs_a_partner_token(cb):
    app, _token, _orgs, _ids = cb
    assert ask(app.test_client(), None).status_code == 401  # noqa: PLR2004
    assert ask(app.test_client(), "cbt_not-a-token").status_code == 401  # noqa: PLR2004


@pytest.mark.parametrize(("changes", "field"), [
    ({"country": "bh"}, "country"), ({"acts": ["nonsense"]}, "acts"),
    ({"year": "2023"}, "year"), ({"gender": "x"}, "gender"), ({"detained": "no"}, "detained"),
])
def test_bad_queries_name_the_field(cb, changes, field):
    app, token, _orgs, _ids = cb
    answer = ask(app.test_client(), token, **changes)
    assert answer.status_code == 400  # noqa: PLR2004
    assert answer.get_json()["error"] == "bad_query"
    assert field in answer.get_json()["message"]
