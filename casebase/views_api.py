"""The JSON API: ingest of signed packages, read-only cases and stats, tombstone feed."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, request
from sqlalchemy.exc import IntegrityError

from casebase import auth, browse
from casebase.errors import BadQuery, NotFound
from casebase.feed import signed_feed
from casebase.followup import add_partner_follow_up
from casebase.ingest import ingest as ingest_package
from casebase.ingest import tombstone_feed
from casebase.openapi import openapi_document
from casebase.records import record_view
from casebase.search import parse_query

api = Blueprint("api", __name__, url_prefix="/api/v1")
_DAY = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")


@api.post("/ingest")
def ingest():  # type: ignore[no-untyped-def]
    settings = auth.state()["settings"]
    # Packages may carry scrubbed images: this route alone takes more than the app's cap.
    request.max_content_length = settings.attachment_limits.max_package_bytes
    session, raw = auth.db(), request.get_data()
    for attempt in (1, 2):
        try:
            result = ingest_package(session, raw, today=auth.today(),
                                    publication_delay_days=settings.publication_delay_days,
                                    threshold=settings.suppression_threshold,
                                    limits=settings.attachment_limits)
            session.commit()
            break
        except IntegrityError:
            # The same record arrived twice at once: the second attempt sees the first
            # one's row and answers repeat or conflict like any later duplicate.
            session.rollback()
            if attempt == 2:  # noqa: PLR2004
                raise
    return jsonify(result.as_dict()), result.status


@api.get("/cases")
def cases():  # type: ignore[no-untyped-def]
    query = parse_query(request.args, auth.state()["settings"].page_size)
    result = browse.list_page(auth.db(), query, auth.tiers(), auth.today())
    return jsonify(
        snapshot_date=auth.today(), tier=auth.tier_name(), total=result.total,
        page=query.page, per_page=query.per_page, pages=result.pages,
        cases=[record_view(auth.db(), r) for r in result.records],
    )


@api.get("/cases/<record_id>")
def case(record_id: str):  # type: ignore[no-untyped-def]
    if not re.fullmatch(r"[0-9a-f]{32}", record_id):
        raise NotFound("No such page or case.")
    record = browse.visible_record(auth.db(), record_id, auth.tiers(), auth.today())
    return jsonify(record_view(auth.db(), record))


@api.post("/cases/<record_id>/follow-up")
def follow_up(record_id: str):  # type: ignore[no-untyped-def]
    partner = auth.require_partner()
    if not re.fullmatch(r"[0-9a-f]{32}", record_id):
        raise NotFound("No such page or case.")
    session = auth.db()
    row = add_partner_follow_up(session, record_id, partner,
                                request.get_json(silent=True), auth.today())
    session.commit()
    return jsonify(record_id=record_id, date=row.date, event=row.event, source=row.source), 201


@api.get("/stats")
def stats():  # type: ignore[no-untyped-def]
    settings = auth.state()["settings"]
    snapshot = browse.snapshot_for(auth.db(), auth.tier_name(), auth.today(),
                                   settings.suppression_threshold)
    return jsonify(snapshot)


@api.get("/tombstones")
def tombstones():  # type: ignore[no-untyped-def]
    since = request.args.get("since", "0000-01-01")
    if not _DAY.fullmatch(since):
        raise BadQuery("since must be a day, YYYY-MM-DD")
    payload = {"since": since, "generated": auth.today(),
               "tombstones": tombstone_feed(auth.db(), since)}
    return jsonify(signed_feed(payload, auth.state()["feed_key"]))


@api.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(openapi_document(auth.state()["settings"].base_url))
