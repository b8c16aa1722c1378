"""The same form without JavaScript (S9): sealed by the server at once, in memory, with
``server_sealed`` in the header; errors name the field and store nothing."""

from __future__ import annotations

import io
import re

import pytest

from vault.canonical import utc_day

FORM = {
    "danger.danger_now": "no",
    "un_link.linked": "dont_know",
    "un_link.mechanisms": ["upr", "hrc"],
    "person.roles": "journalist",
    "identity.real_name": "A. Person",
    "incidents.0.date": "March 2025",
    "incidents.0.acts": ["travel_ban", "threats"],
    "incidents.1.place": "",
    "situation.narrative": "  Stopped at the airport after the session.  ",
    "risk.urgent_appeal": "yes",
    "evidence.links": "https://example.org/a\n\nhttps://example.org/b",
    "consent.giver": "victim",
    "consent.scopes": ["un_confidential", "contact"],
}


def _post(client, form, files=()):
    data = dict(form)
    for name, filename, content in files:
        data[name] = (io.BytesIO(content), filename, "application/pdf")
    return client.post("/report/nojs", data=data, content_type="multipart/form-data")


def _stored_envelope(instance):
    import sqlalchemy as sa

    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT envelope, server_sealed FROM reports")).one()
    engine.dispose()
    return row


def test_a_nojs_report_is_sealed_by_the_server_and_opens_for_a_reviewer(
        intake_client, intake_instance, intake_kit):
    response = _post(intake_client, FORM, [("evidence.files", "scan.pdf", b"%PDF-1.4 scan")])
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    receipt = re.search(r'<bdi>(1(?: [a-z]+){8})</bdi>', html).group(1)
    assert "encrypted on Haven&#39;s server" in html or "encrypted on Haven's server" in html
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    envelope, server_sealed = _stored_envelope(intake_instance)
    assert server_sealed
    opened = intake_kit.open_report(intake_instance, envelope)
    assert opened.server_sealed is True
    assert opened.fields == {
        "form_version": 1,
        "danger": {"danger_now": "no"},
        "un_link": {"linked": "dont_know", "mechanisms": ["hrc", "upr"]},
        "person": {"roles": ["journalist"]},
        "identity": {"real_name": "A. Person"},
        "incidents": [{"date": "March 2025", "acts": ["threats", "travel_ban"]}],
        "situation": {"narrative": "Stopped at the airport after the session."},
        "risk": {"urgent_appeal": True},
        "evidence": {"links": ["https://example.org/a", "https://example.org/b"]},
        "consent": {"scopes": {"contact": "grant", "un_confidential": "grant"},
                    "given_by": "victim", "risks_explained": False, "day": utc_day(),
                    "how": ""},
    }
    assert [a.name for a in opened.attachments] == ["scan.pdf"]
    # The release gate's fold of the initial consent sees exactly the ticked scopes.
    from vault.events import consent_state

    state = consent_state([], opened.reporter_signing_pk, initial=opened.initial_consent)
    assert state.allows("un_confidential")
    assert state.allows("contact")
    assert not state.allows("public_advocacy")
    # The receipt shown is the one whose lookup id finds the report.
    from vault.receipts import derive_receipt_keys

    keys = derive_receipt_keys(receipt, intake_instance.config.instance_id)
    assert keys.reply_pk == opened.reporter_reply_pk


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"situation.narrative": ""}, "situation.narrative", "Please describe what happened"),
    ({"un_link.linked": ""}, "un_link.linked", "linked to the UN"),
    ({"consent.giver": ""}, "consent.giver", "who gives consent"),
    ({"consent.giver": "not_asked"}, "consent.scopes", "UN and publication choices stay off"),
    ({"person.roles": "astronaut"}, "person.roles", "choose from the options"),
    ({"un_link.linked": ["yes", "no"]}, "un_link.linked", "one answer"),
])
def test_form_errors_name_the_problem_and_store_nothing(  # noqa: PLR0917 - fixtures, parameters
        intake_client, intake_instance, rows, change, field, message):
    response = _post(intake_client, {**FORM, **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert rows(intake_instance, "reports") == 0
    assert rows(intake_instance, "blobs") == 0


def test_an_urgent_report_needs_no_un_link_answer(intake_client, intake_instance, rows):
    urgent = {"danger.danger_now": "yes", "situation.narrative": "Arrested now.",
              "consent.giver": "victim"}
    assert _post(intake_client, urgent).status_code == 201
    assert rows(intake_instance, "reports") == 1


def test_an_audio_recording_replaces_the_narrative(intake_client, intake_instance, intake_kit):
    form = {**FORM, "situation.narrative": ""}
    data = {**form, "situation.audio": (io.BytesIO(b"OggS audio"), "voice.ogg", "audio/ogg")}
    response = intake_client.post("/report/nojs", data=data, content_type="multipart/form-data")
    assert response.status_code == 201
    opened = intake_kit.open_report(intake_instance, _stored_envelope(intake_instance)[0])
    assert [a.type for a in opened.attachments] == ["audio/ogg"]


def test_files_over_the_nojs_cap_get_413_and_nothing_is_kept(
        intake_client, intake_instance, rows, tmp_path):
    big = b"x" * (16 * 1024 * 1024 + 1)
    response = _post(intake_client, FORM, [("evidence.files", "big.pdf", big)])
    assert response.status_code == 413
    assert "larger than the site accepts" in response.get_data(as_text=True)
    assert rows(intake_instance, "reports") == 0


def test_the_receipt_check_compares_without_keeping_the_receipt(intake_client):
    response = _post(intake_client, FORM)
    html = response.get_data(as_text=True)
    receipt = re.search(r'<bdi>(1(?: [a-z]+){8})</bdi>', html).group(1)
    position = int(re.search(r'name="position" value="(\d+)"', html).group(1))
    tag = re.search(r'name="tag" value="([0-9a-f]+)"', html).group(1)
    word = receipt.split()[position]
    good = intake_client.post("/receipt/check", data={"position": position, "tag": tag,
                                                      "word": word.upper()})
    assert "Correct." in good.get_data(as_text=True)
    bad = intake_client.post("/receipt/check", data={"position": position, "tag": tag,
                                                     "word": "wrong"})
    assert "does not match" in bad.get_data(as_text=True)
