import dataclasses

import pytest
from nacl.public import PrivateKey
from nacl.signing import SigningKey, VerifyKey

from reviewer.errors import RecordInvalid
from reviewer.keyring import KeyHolder
from reviewer.records import Recipient, open_record, seal_record, signed_payload
from reviewer.vault_types import Record
from vault.canonical import b64decode, verify


def _reviewer(name: str, holder: KeyHolder):
    box, signer = PrivateKey.generate(), SigningKey.generate()
    holder.unlock(name, reviewer_id=name, key_id=f"key-{name}",
                  secrets={f"key-{name}": (bytes(box), bytes(signer))})
    recipient = Recipient(f"key-{name}", bytes(box.public_key), bytes(signer.verify_key))
    return holder.keys(name), recipient


def _as_record(body: dict, account: str = "acc") -> Record:
    return Record.from_json({**body, "author_account_id": account})


@pytest.fixture
def two_reviewers():
    holder = KeyHolder(idle_seconds=600)
    return _reviewer("amira", holder), _reviewer("bo", holder)


def test_sealed_record_opens_for_every_recipient_and_verifies(two_reviewers):
    (amira, amira_r), (bo, bo_r) = two_reviewers
    body = seal_record(kind="note", content={"text": "ﺳﻼﻡ <b>hi</b>"}, keys=amira,
                       recipients=[amira_r, bo_r], report_id="r-1")
    record = _as_record(body)
    authors = {amira_r.key_id: amira_r, bo_r.key_id: bo_r}
    for keys in (amira, bo):
        assert open_record(record, keys, authors).content == {"text": "ﺳﻼﻡ <b>hi</b>"}


def test_signature_is_the_one_the_vault_api_checks(two_reviewers):
    (amira, amira_r), (_, bo_r) = two_reviewers
    body = seal_record(kind="label", content={"label": "x"}, keys=amira,
                       recipients=[bo_r, amira_r], case_id="c-1")
    payload = signed_payload(body, b64decode(body["ciphertext_b64"]))
    assert payload["recipients"] == sorted([amira_r.key_id, bo_r.key_id])
    verify("reviewer-record", payload, b64decode(body["signature_b64"]),
           VerifyKey(amira_r.ed25519_pk))


def test_non_recipient_cannot_open(two_reviewers):
    (amira, amira_r), (bo, bo_r) = two_reviewers
    body = seal_record(kind="note", content={"text": "t"}, keys=amira, recipients=[amira_r])
    with pytest.raises(RecordInvalid, match="does not open"):
        open_record(_as_record(body), bo, {amira_r.key_id: amira_r})


def test_tampering_is_named(two_reviewers):
    (amira, amira_r), _ = two_reviewers
    authors = {amira_r.key_id: amira_r}
    record = _as_record(seal_record(kind="note", content={"text": "t"}, keys=amira,
                                    recipients=[amira_r], report_id="r-1"))
    moved = dataclasses.replace(record, report_id="r-2")
    with pytest.raises(RecordInvalid, match="signature"):
        open_record(moved, amira, authors)
    with pytest.raises(RecordInvalid, match="not in the verified bundle"):
        open_record(record, amira, {})


def test_no_recipients_is_refused(two_reviewers):
    (amira, _), _ = two_reviewers
    with pytest.raises(RecordInvalid):
        seal_record(kind="note", content={}, keys=amira, recipients=[])
