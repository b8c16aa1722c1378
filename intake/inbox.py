"""The reporter's inbox with a receipt: what a lookup id may read and write.

Only the lookup id (derived from the receipt in the browser, SPEC §3) reaches the server,
which keeps ``lookup_hash = H(lookup_id, key = pepper)``. A wrong receipt gets the same 404
whatever the reason, and only misses count against the rate limit. Everything returned is
data (JSON), never HTML or code (S10): replies and the status are sealed to the reporter's
reply key and opened, and their signatures checked, in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.errors import BadRequestBody, UnknownReceipt
from intake.submissions import EVENT_TYPE, LOOKUP_ID_BYTES, checked_envelope, parse_blob_ids

FROM_REPORTER = "from_reporter"
TO_REPORTER = "to_reporter"


@dataclass(frozen=True)
class InboxView:
    report_id: str
    state: str
    server_sealed: bool
    readers: int
    status: bytes | None
    status_epoch: int
    replies: tuple  # vault.store.EventRecord, direction to_reporter
    next_seq: int  # the seq the reporter's next event must carry (SPEC §6.1: from 1)
    head: bytes | None  # the reporter's sealed chain head (vault.reply_store.reporter_head)
    replies_deleted: int = 0  # earlier replies deleted after the reporter read them (S6)
    reply_retention_days: int = 30  # replies go this many days after first shown

    def as_json(self) -> dict:
        from vault.canonical import b64encode

        return {
            "report_id": self.report_id,
            "state": self.state,
            "server_sealed": self.server_sealed,
            "readers": self.readers,
            "status": b64encode(self.status) if self.status else None,
            "status_epoch": self.status_epoch,
            "replies": [{"seq": e.seq, "sealed": b64encode(e.sealed), "day": e.day.isoformat()}
                        for e in self.replies],
            "next_seq": self.next_seq,
            "head": b64encode(self.head) if self.head else None,
            "replies_deleted": self.replies_deleted,
            "reply_retention_days": self.reply_retention_days,
        }


def lookup_from(body: dict) -> bytes:
    from vault.canonical import b64decode
    from vault.errors import BadEncoding

    try:
        lookup_id = b64decode(body.get("lookup_id"))  # type: ignore[arg-type]
    except BadEncoding:
        raise BadRequestBody("lookup_id must be unpadded base64url") from None
    if len(lookup_id) != LOOKUP_ID_BYTES:
        raise BadRequestBody("lookup_id must be 32 bytes")
    return lookup_id


def find_report(session, pepper: bytes, lookup_id: bytes):
    from vault import store
    from vault.receipts import lookup_hash

    record = store.find_report_by_lookup(session, lookup_hash(pepper, lookup_id))
    if record is None:
        raise UnknownReceipt("no report for this receipt")
    return record


def read_inbox(services, lookup_id: bytes) -> InboxView:
    """What the holder of the receipt sees; serving the replies records that they were
    fetched, today (S6: they are deleted ``reply_retention_days`` later)."""
    from vault import store
    from vault.canonical import utc_day
    from vault.db import transaction
    from vault.reply_store import record_replies_fetched, reply_counts, reporter_head

    with transaction(services.sessions) as session:
        record = find_report(session, services.pepper, lookup_id)
        replies = tuple(store.list_events(session, record.id, TO_REPORTER))
        if replies:
            record_replies_fetched(session, record.id, replies[-1].seq, utc_day())
        return InboxView(
            head=reporter_head(session, record.id),
            report_id=record.id,
            state=record.state,
            server_sealed=record.server_sealed,
            readers=store.reader_count(session, record.id),
            status=record.status_sealed,
            status_epoch=record.status_epoch,
            replies=replies,
            next_seq=max(1, store.next_event_seq(session, record.id, FROM_REPORTER)),
            replies_deleted=reply_counts(session, [record.id])[record.id][0],
            reply_retention_days=services.config.reply_retention_days,
        )


def add_reporter_event(services, body: dict) -> int:
    """The JSON path: check the body, then ``store_reporter_event``."""
    from vault.canonical import b64decode
    from vault.errors import BadEncoding

    lookup_id = lookup_from(body)
    try:
        envelope = b64decode(body.get("envelope"))  # type: ignore[arg-type]
        head = b64decode(body.get("head"))  # type: ignore[arg-type]
    except BadEncoding:
        raise BadRequestBody("envelope and head must be unpadded base64url") from None
    seq, withdraw = body.get("seq"), body.get("withdraw_report", False)
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise BadRequestBody("seq must be a whole number >= 1")
    if not isinstance(withdraw, bool):
        raise BadRequestBody("withdraw_report must be true or false")
    blob_ids = parse_blob_ids(body.get("blobs", []), services.intake_config.max_files)
    return store_reporter_event(services, lookup_id, envelope, seq=seq, head=head,
                                withdraw=withdraw, server_sealed=False, blob_ids=blob_ids)


def store_reporter_event(services, lookup_id: bytes, envelope: bytes, *, seq: int, head: bytes,
                         withdraw: bool, server_sealed: bool,
                         blob_ids: tuple[str, ...] = ()) -> int:
    """Store a signed, sealed reporter event (SPEC §6) and the reporter's new chain head.

    ``withdraw`` (beside a withdrawal event) marks the whole report withdrawn at once (S20):
    the server cannot read the event, and a withdrawal must not wait for a reviewer to open
    it. The signed event inside is what reviewers verify and acknowledge.

    ``blob_ids`` are the uploaded files a ``file_added`` event names: they are attached to
    the report with the event or not at all. The server cannot read the event; the
    reviewer checks each blob against the signed, sealed entry inside it (SPEC §4.2).
    """
    from intake.errors import TooLarge
    from vault import store
    from vault.canonical import utc_day
    from vault.db import transaction
    from vault.reply_store import MAX_HEAD_BYTES, set_reporter_head

    if len(envelope) > services.intake_config.max_envelope_bytes:
        raise TooLarge("this message is larger than the site accepts")
    if not 0 < len(head) <= MAX_HEAD_BYTES:
        raise BadRequestBody(f"head must be 1 to {MAX_HEAD_BYTES} bytes")
    parsed = checked_envelope(envelope, services.bundle, expected_type=EVENT_TYPE,
                              server_sealed=server_sealed)
    day = utc_day()
    with transaction(services.sessions) as session:
        record = append_reporter_event(session, services, lookup_id, parsed.report_id,
                                       envelope, seq=seq, day=day, blob_ids=blob_ids)
        if withdraw:
            store.mark_withdrawn(session, record.id, day)
        # Inside the unit of work: if the head cannot be kept, the event is not kept either.
        set_reporter_head(session, record.id, head, day)
    return seq


def append_reporter_event(session, services, lookup_id: bytes, event_report_id: str,
                          envelope: bytes, *, seq: int, day, blob_ids: tuple[str, ...] = ()):
    """Store a reporter event in the open unit of work, after the checks every reporter
    event passes: the receipt opens a report, the event names that report (no replay from
    another one), and it carries the next seq. Returns the report's record."""
    from vault import store
    from vault.errors import EventReplay

    record = find_report(session, services.pepper, lookup_id)
    if event_report_id != record.id:
        raise EventReplay("this event belongs to another report")
    expected = max(1, store.next_event_seq(session, record.id, FROM_REPORTER))
    if seq != expected:
        raise BadRequestBody(f"the next event must carry seq {expected}")
    store.add_event(session, record.id, FROM_REPORTER, seq, envelope, day, blob_ids=blob_ids)
    return record
