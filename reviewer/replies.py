"""Reviewer events to the reporter (replies, acknowledgements, status, withdrawal acks).

Each is signed with the reviewer's bundle key and sealed to the reporter's reply key
(vault.open.seal_reply), so no other reviewer can read it back from the vault. The chain
position (seq, previous event hash) and the text are therefore also kept as a sealed
``reviewer_event`` record for the other reviewers: it is how the next reply chains on and
how the history of what was sent is shown.

Payloads (the intake renders them): ``reply`` {"text", "reconfirm_scopes"?: [scope]},
``acknowledgement`` {"text"}, ``status`` {"status"}, ``withdrawal_ack`` {"text"}.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reviewer.errors import ReviewerError
from reviewer.keyring import ReviewerKeys
from reviewer.opening import ReportView
from reviewer.vault_client import Conflict, VaultClient
from reviewer.workspace import Opened
from vault.events import ZERO_HASH
from vault.keys import ReviewerKeyPair
from vault.open import seal_reply

API_KIND = {"reply": "reply", "acknowledgement": "ack", "status": "status",
            "withdrawal_ack": "withdrawal_ack"}


class ChainUnknown(ReviewerError):
    code = "reply_chain_unknown"


@dataclass(frozen=True)
class Sent:
    seq: int
    event_hash: str
    type: str


def chain_position(view: ReportView, sent_records: Opened) -> tuple[int, bytes]:
    """The next seq of the to-reporter chain and the hash of the event before it."""
    # Replies the reporter read may have been deleted: the chain goes on above the last one
    # ever stored (vault/SPEC.md §6.1), whose hash is in the sent record.
    last = max([e.seq for e in view.detail.events if e.direction == "to_reporter"]
               + [view.detail.summary.last_reply_seq])
    if last == 0:
        return 1, ZERO_HASH
    for entry in sent_records.of("reviewer_event"):
        if entry.content.get("seq") == last:
            return last + 1, bytes.fromhex(str(entry.content["event_hash"]))
    raise ChainUnknown(f"reply {last} was sent without its record: the chain cannot continue")


def send_to_reporter(client: VaultClient, view: ReportView, keys: ReviewerKeys, *,
                     type_name: str, payload: Mapping[str, Any],
                     load_sent: Callable[[], Opened],
                     record: Callable[[Mapping[str, Any]], object]) -> Sent:
    """Seal, post (retrying once on a sequence race), then record for the other reviewers."""
    signer = ReviewerKeyPair(bytes(keys.private_key()), bytes(keys.signing_key()))
    for attempt in (1, 2):
        if attempt == 2:  # noqa: PLR2004 - someone else replied first: re-read the chain
            view.detail = client.report(view.report.report_id)
        seq, prev_hash = chain_position(view, load_sent())
        sealed = seal_reply(view.report.report_id, seq, prev_hash, type_name, dict(payload),
                            reviewer=signer, reporter_reply_pk=view.report.reporter_reply_pk)
        try:
            client.post_event(view.report.report_id, API_KIND[type_name], seq, sealed.envelope)
        except Conflict:
            if attempt == 2:  # noqa: PLR2004
                raise
            continue
        sent = Sent(seq, sealed.event_hash.hex(), type_name)
        record({"seq": seq, "event_hash": sent.event_hash, "type": type_name,
                "payload": dict(payload)})
        return sent
    raise AssertionError("unreachable")  # pragma: no cover
