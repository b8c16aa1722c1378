"""vault.audit: appends, signed heads, proofs, and tamper detection with its location."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid

import pytest
import sqlalchemy as sa
from nacl.signing import SigningKey

from vault import audit, merkle
from vault.canonical import b64encode, sign
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import AuditError, AuditHeadForged, AuditTampered, InvalidRecord
from vault.models import AuditEntry, AuditHead

DAY = dt.date(2026, 11, 23)
AUDIT_KEY = bytes(range(32))


@pytest.fixture
def audit_env(database_url):
    migrate(database_url)
    engine = make_engine(database_url)
    yield session_factory(engine), SigningKey.generate()
    engine.dispose()


def _fill(factory, count, start=0):
    with transaction(factory) as session:
        for i in range(start, start + count):
            audit.append(session, actor=f"reviewer-{i % 3}", action="report.open",
                         target=audit.target_hash(AUDIT_KEY, str(uuid.uuid4())),
                         detail={"n": i}, day=DAY)


def _sign(factory, key):
    with transaction(factory) as session:
        return audit.sign_head(session, key, DAY)


def _verify(factory, key, saved=None):
    with factory() as session:
        return audit.verify_log(session, key.verify_key, saved)


def _execute(factory, statement):
    with transaction(factory) as session:
        session.execute(statement)


def test_append_sign_and_verify(audit_env):
    factory, key = audit_env
    _fill(factory, 5)
    head = _sign(factory, key)
    assert head.size == 5
    _fill(factory, 3, start=5)
    state = _verify(factory, key, saved=head)
    assert state.size == 8
    assert state.heads_checked == 1
    with factory() as session:
        records = audit.entries(session)
        assert [r.seq for r in records] == list(range(8))
        proof = audit.inclusion_proof(session, 2, 5)
        merkle.verify_inclusion(2, 5, records[2].leaf_hash(), proof, head.root)
        later = audit.sign_head(session, key, DAY)
        consistency = audit.consistency_proof(session, 5, 8)
    merkle.verify_consistency(5, 8, head.root, later.root, consistency)


def test_heads_round_trip_through_json(audit_env, tmp_path):
    factory, key = audit_env
    _fill(factory, 2)
    head = _sign(factory, key)
    path = tmp_path / "head.json"
    path.write_text(audit.export_head(head))
    loaded = audit.load_head_file(path)
    assert loaded == head
    loaded.verify(key.verify_key)
    assert json.loads(path.read_text())["version"] == "haven-checkpoint/1"
    with pytest.raises(AuditError):
        audit.head_from_json({"version": "other"})


def test_target_is_a_keyed_hash_not_the_report_id(audit_env):
    factory, _ = audit_env
    report_id = str(uuid.uuid4())
    target = audit.target_hash(AUDIT_KEY, report_id)
    assert report_id not in target
    assert target != audit.target_hash(bytes(32), report_id)
    with transaction(factory) as session:
        with pytest.raises(InvalidRecord):
            audit.append(session, actor="system", action="report.purge", target=report_id)
        with pytest.raises(InvalidRecord):
            audit.append(session, actor="system", action="login",
                         detail={"from": "203.0.113.9"})
        with pytest.raises(InvalidRecord):
            audit.append(session, actor="system", action="login", detail={"ip": "2001:db8::1"})
        with pytest.raises(InvalidRecord):
            audit.append(session, actor="system", action="note", detail={"t": "x" * 5000})


def test_an_edited_detail_is_found_at_its_row(audit_env):
    factory, key = audit_env
    _fill(factory, 6)
    _sign(factory, key)
    _execute(factory, sa.update(AuditEntry).where(AuditEntry.seq == 3)
             .values(detail='{"n":999}'))
    with pytest.raises(AuditTampered) as caught:
        _verify(factory, key)
    assert caught.value.first_bad_seq == 3


def test_an_edit_with_recomputed_hashes_is_caught_by_the_heads(audit_env):
    factory, key = audit_env
    _fill(factory, 4)
    _sign(factory, key)
    _fill(factory, 4, start=4)
    _sign(factory, key)
    with factory() as session:
        row = session.get(AuditEntry, 5)
        forged = audit.AuditRecord(5, row.day, row.actor, "report.export", row.target,
                                   {"n": 5}, None)
    _execute(factory, sa.update(AuditEntry).where(AuditEntry.seq == 5)
             .values(action="report.export", leaf_hash=forged.leaf_hash()))
    with pytest.raises(AuditTampered) as caught:
        _verify(factory, key)
    assert caught.value.first_bad_seq == 4  # between the head of size 4 and that of size 8
    assert caught.value.head_size == 8


def test_a_deleted_row_is_found(audit_env):
    factory, key = audit_env
    _fill(factory, 5)
    _execute(factory, sa.delete(AuditEntry).where(AuditEntry.seq == 2))
    with pytest.raises(AuditTampered) as caught:
        _verify(factory, key)
    assert caught.value.first_bad_seq == 2


def test_two_swapped_rows_are_found(audit_env):
    factory, key = audit_env
    _fill(factory, 6)
    _execute(factory, sa.update(AuditEntry).where(AuditEntry.seq == 1).values(seq=100))
    _execute(factory, sa.update(AuditEntry).where(AuditEntry.seq == 4).values(seq=1))
    _execute(factory, sa.update(AuditEntry).where(AuditEntry.seq == 100).values(seq=4))
    with pytest.raises(AuditTampered) as caught:
        _verify(factory, key)
    assert caught.value.first_bad_seq == 1


def test_truncation_is_found_by_stored_and_saved_heads(audit_env):
    factory, key = audit_env
    _fill(factory, 6)
    saved = _sign(factory, key)
    _execute(factory, sa.delete(AuditEntry).where(AuditEntry.seq >= 4))
    with pytest.raises(AuditTampered) as caught:
        _verify(factory, key)
    assert caught.value.first_bad_seq == 4
    _execute(factory, sa.delete(AuditHead))  # the attacker also drops the stored heads
    _verify(factory, key)  # the database alone now looks consistent …
    with pytest.raises(AuditTampered) as caught:
        _verify(factory, key, saved=saved)  # … but not against the coordinators' saved head
    assert caught.value.first_bad_seq == 4


def test_a_rewritten_history_fails_against_the_saved_head(audit_env):
    factory, key = audit_env
    _fill(factory, 3)
    saved = _sign(factory, key)
    _execute(factory, sa.delete(AuditHead))
    _execute(factory, sa.delete(AuditEntry))
    _fill(factory, 5)  # a whole new, self-consistent log
    with pytest.raises(AuditTampered) as caught:
        _verify(factory, key, saved=saved)
    assert caught.value.first_bad_seq == 0


def test_forged_heads_are_refused(audit_env):
    factory, key = audit_env
    _fill(factory, 3)
    head = _sign(factory, key)
    _execute(factory, sa.update(AuditHead).values(root=os.urandom(32)))
    with pytest.raises(AuditHeadForged) as caught:
        _verify(factory, key)
    assert caught.value.head_size == 3
    _execute(factory, sa.delete(AuditHead))
    stranger = SigningKey.generate()
    forged = audit.SignedHead(3, head.root, DAY,
                              sign("checkpoint", head.payload(), stranger))
    with pytest.raises(AuditHeadForged):
        _verify(factory, key, saved=forged)
    bad_signature = {**head.to_json(), "signature": b64encode(bytes(64))}
    with pytest.raises(AuditHeadForged):
        _verify(factory, key, saved=audit.head_from_json(bad_signature))


def test_concurrent_appends_get_distinct_contiguous_seqs(audit_env):
    import threading

    factory, key = audit_env
    errors = []

    def writer(name):
        try:
            for i in range(8):
                with transaction(factory) as session:
                    audit.append(session, actor=name, action="report.open", detail={"i": i},
                                 day=DAY)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"reviewer-{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _verify(factory, key).size == 24
