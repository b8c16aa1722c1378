"""`haven audit verify` re-checks the reviewers' own signatures on key requests and client
actions (S17): against the key each statement names, resolved from the recorded bundles;
unsigned entries from before signing are listed, unsigned or forged ones after it fail."""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from nacl.signing import SigningKey

from haven.cli import cli
from vault import audit
from vault.action_signature import HEADER, sign_action, statement_from_payload
from vault.api.app import create_app
from vault.api.credentials import issue_token
from vault.api.testkit import add_report, build_api_instance
from vault.canonical import b64encode
from vault.db import transaction
from vault.models import AuditEntry


@pytest.fixture
def signed_log(tmp_path, database_url):
    """An instance whose log holds one unsigned key request from before signing (as an
    instance upgraded past migration 0008 has), then a signed key request and a signed
    client action made through the API."""
    instance = build_api_instance(tmp_path, database_url)
    report_id = add_report(instance)
    with transaction(instance.sessions()) as session:
        audit.append(session, actor=instance.people["vera"].account_id, action="key_request")
    client = create_app(instance.config).test_client()
    for name, action in (("vera", "key_request"), ("coord", "export")):
        person = instance.people[name]
        with transaction(instance.sessions()) as session:
            token = issue_token(session, person.account_id, int(time.time()))
        signed = sign_action(action, report_id, account_id=person.account_id,
                             key_id=person.key_id,
                             signing_key=SigningKey(person.keypair.ed25519_seed))
        headers = {"Authorization": f"Bearer {token}", HEADER: signed.header_value()}
        if action == "key_request":
            answer = client.get(f"/api/v1/reports/{report_id}/stanza", headers=headers)
        else:
            answer = client.post("/api/v1/audit", headers=headers,
                                 json={"action": action, "report_id": report_id})
        assert answer.status_code in (200, 201), answer.get_json()
    return instance


def _verify(instance):
    return CliRunner().invoke(cli, ["audit", "verify", "--instance",
                                    str(instance.config.instance_dir)],
                              catch_exceptions=False)


def _signed_row(instance, action):
    with instance.sessions()() as session:
        return session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == action, AuditEntry.actor_signature.is_not(None))).one()


def _rewrite(instance, seq, detail):
    """What an operator with database access can do: edit a row and recompute its leaf
    hash (no signed head covers it yet, so the Merkle check alone cannot tell)."""
    with transaction(instance.sessions()) as session:
        row = session.get(AuditEntry, seq)
        row.detail = json.dumps(detail, separators=(",", ":"), sort_keys=True)
        row.leaf_hash = audit.row_record(row).leaf_hash()


def test_signed_entries_verify_and_older_ones_are_listed(signed_log):
    result = _verify(signed_log)
    assert result.exit_code == 0, result.output
    assert "unsigned (before signing): 1 entries" in result.output
    assert "reviewer signatures OK: 2 signed actions verified" in result.output


def test_a_forged_unsigned_key_request_fails(signed_log):
    with transaction(signed_log.sessions()) as session:
        forged = audit.append(session, actor=signed_log.people["otto"].account_id,
                              action="key_request")
    result = _verify(signed_log)
    assert result.exit_code != 0
    assert f"entry {forged.seq} (key_request): unsigned" in result.output
    assert "without a valid reviewer signature" in result.output


def test_a_tampered_statement_fails_its_signature(signed_log):
    row = _signed_row(signed_log, "key_request")
    detail = json.loads(row.detail)
    statement = dict(detail["statement"], nonce=b64encode(bytes(16)))
    detail.update(statement=statement,
                  statement_sha256=statement_from_payload(statement).sha256())
    _rewrite(signed_log, row.seq, detail)
    result = _verify(signed_log)
    assert result.exit_code != 0
    assert f"entry {row.seq} (key_request): bad signature" in result.output


def test_a_statement_moved_to_another_account_fails(signed_log):
    row = _signed_row(signed_log, "export")
    with transaction(signed_log.sessions()) as session:
        moved = session.get(AuditEntry, row.seq)
        moved.actor = signed_log.people["otto"].account_id
        moved.leaf_hash = audit.row_record(moved).leaf_hash()
    result = _verify(signed_log)
    assert result.exit_code != 0
    assert f"entry {row.seq} (export): the statement does not match the entry" in result.output


def test_a_statement_whose_detail_hash_was_edited_fails(signed_log):
    row = _signed_row(signed_log, "export")
    detail = dict(json.loads(row.detail), statement_sha256="0" * 64)
    _rewrite(signed_log, row.seq, detail)
    result = _verify(signed_log)
    assert result.exit_code != 0
    assert "the detail does not match its statement" in result.output


def test_a_signature_still_verifies_after_its_key_left_the_bundle(signed_log):
    """Offboarding removes the key from the served bundle, not from history: the statements
    it signed are checked against the recorded bundles that listed it."""
    from vault import bundle_store
    from vault.bundle import reissue_bundle
    from vault.canonical import utc_day

    vera = signed_log.people["vera"]
    later = reissue_bundle(signed_log.bundle_doc, bundle_sk=signed_log.bundle_key,
                           certificate=signed_log.bundle_certificate, issued_at=utc_day(),
                           retire=[vera.key_id])
    assert vera.key_id not in {k["id"] for k in later["bundle"]["keys"]}
    with transaction(signed_log.sessions()) as session:
        bundle_store.add_bundle(session, later["bundle"]["serial"],
                                json.dumps(later, sort_keys=True), utc_day())
    signed_log.config.bundle_path.write_text(json.dumps(later, sort_keys=True))
    result = _verify(signed_log)
    assert result.exit_code == 0, result.output
    assert "reviewer signatures OK: 2 signed actions verified" in result.output
