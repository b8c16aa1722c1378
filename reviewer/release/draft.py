"""A release draft: the record the reviewer writes, checked field by field.

The anonymous-tier narrative is written by the reviewer from the redacted text, never a
redacted original (S18): the draft starts empty, with the redacted narrative shown beside
it for reference only. Defaults for the structured fields come from the reporter's answers
and the triage record, to be checked by the reviewer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from haven.taxonomy import load_taxonomy
from reviewer.release.errors import DraftInvalid
from vault.canonical import utc_day

TIERS = ("public", "partner")
MAX_TITLE, MAX_NAME, MAX_NARRATIVE, MAX_ACTORS = 160, 200, 8000, 20
MAX_CAPTION = 300  # an attachment's caption, its alt text in the case base
_DATE = re.compile(r"\b(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\b")


@dataclass(frozen=True)
class DraftInput:
    tier: str
    record: Mapping[str, Any]
    suspect_set_estimate: int
    suspect_set_reason: str
    approver_key_id: str
    attachments: tuple[str, ...] = ()  # blob ids, each scrubbed and approved on its own
    captions: tuple[str, ...] = ()  # one per attachment, reviewer-written, may be empty


class _Fields:
    """Form values read one by one against the taxonomy; each error names its field."""

    def __init__(self, form: Mapping[str, Any]) -> None:
        self.form = form
        self.taxonomy = load_taxonomy()

    def one(self, name: str, vocabulary: str | None = None, *,
            optional: bool = False) -> Any:
        value = str(self.form.get(name) or "").strip()
        if not value:
            if optional:
                return None
            raise DraftInvalid(f"{name}: required")
        if vocabulary and value not in self.taxonomy.ids(vocabulary):
            raise DraftInvalid(f"{name}: {value!r} is not a {vocabulary} id")
        return value

    def many(self, name: str, vocabulary: str, *, minimum: int = 0) -> list[str]:
        values = [v for v in self.form.get(name) or [] if v]
        unknown = [v for v in values if v not in self.taxonomy.ids(vocabulary)]
        if unknown:
            raise DraftInvalid(f"{name}: unknown {vocabulary} {unknown}")
        if len(values) < minimum:
            raise DraftInvalid(f"{name}: choose at least {minimum}")
        return sorted(set(values))


def parse_draft(form: Mapping[str, Any], *, verification: str | None,
                this_year: int) -> DraftInput:
    """Build a checked draft from form values (lists for multi-selects); names the field."""
    fields = _Fields(form)
    tier = fields.one("tier")
    if tier not in TIERS:
        raise DraftInvalid("tier: public or partner")
    named, name = bool(form.get("named")), fields.one("name", optional=True)
    if named and not name:
        raise DraftInvalid("name: a named record needs the name to publish")
    if name is not None and not named:
        raise DraftInvalid("name: only a named record carries a name (tick 'named')")
    record = _record(fields, verification, this_year, name)
    attachments = tuple(dict.fromkeys(str(b) for b in form.get("attachments") or [] if b))
    return DraftInput(tier, record, _estimate(form.get("suspect_set_estimate")),
                      _text(form, "suspect_set_reason", 2000, required=True),
                      _key_id(form.get("approver")), attachments,
                      tuple(_text(form, f"caption-{b}", MAX_CAPTION, required=False)
                            for b in attachments))


def _record(fields: _Fields, verification: str | None, this_year: int,
            name: str | None) -> dict[str, Any]:
    form, one, many = fields.form, fields.one, fields.many
    return {
        "kind": one("kind", "record_kinds"),
        "title": _text(form, "title", MAX_TITLE, required=True),
        "name": name,
        "country": _country(one("country")),
        "year": _year(one("year"), this_year),
        "year_to": None,
        "gender": one("gender", "genders", optional=True),
        "role": one("role", "roles", optional=True),
        "acts": many("acts", "acts", minimum=1),
        "perpetrators": many("perpetrators", "perpetrators"),
        "mechanisms": many("mechanisms", "mechanisms", minimum=1),
        "engagement": one("engagement", "engagement"),
        "verification": verification or "unknown",
        "anonymity_requested": bool(form.get("anonymity_requested")),
        "named": name is not None,
        "detained": bool(form.get("detained")),
        "narrative": _text(form, "narrative", MAX_NARRATIVE, required=True),
        "un_actors": _lines(form.get("un_actors"), MAX_ACTORS),
        "follow_up": parse_follow_up(form.get("follow_up")),
        "outcome": one("outcome", "case_outcomes"),
        "sg_citations": parse_citations(form.get("sg_citations")),
    }


def draft_from_content(data: Any, this_year: int) -> DraftInput:
    """A draft read back from a sealed record goes through the same checks as the form:
    records can be written by any reviewer's client, not only by this app."""
    try:
        record = data["record"]
        form = {name: record.get(name) for name in (
            "kind", "title", "name", "country", "gender", "role", "acts", "perpetrators",
            "mechanisms", "engagement", "anonymity_requested", "detained", "narrative",
            "outcome")}
        form.update({
            "tier": data["tier"], "named": bool(record.get("named")),
            "year": str(record.get("year", "")),
            "un_actors": "\n".join(record.get("un_actors") or []),
            "follow_up": "\n".join(follow_up_line(e) for e in record.get("follow_up") or []),
            "sg_citations": "\n".join(citation_line(c) for c in
                                       record.get("sg_citations") or []),
            "suspect_set_estimate": str(data["suspect_set_estimate"]),
            "suspect_set_reason": data["suspect_set_reason"],
            "approver": data["approver_key_id"], "attachments": data.get("attachments", [])})
        for blob_id, caption in zip(data.get("attachments") or [], data.get("captions") or [],
                                    strict=False):
            form[f"caption-{blob_id}"] = caption
        return parse_draft(form, verification=record.get("verification"),
                           this_year=this_year)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        if isinstance(exc, DraftInvalid):
            raise
        raise DraftInvalid(f"the stored draft is malformed ({type(exc).__name__})") from None


_SYMBOL = re.compile(r"[A-Z][A-Za-z0-9./-]{2,40}")
_PARAGRAPH = re.compile(r"[0-9A-Za-z.()-]{1,20}")


def parse_citations(value: Any) -> list[dict[str, Any]]:
    """One Secretary-General report citation per line: ``SYMBOL YEAR ANNEX [PARAGRAPH]``,
    e.g. ``A/HRC/54/61 2023 annex_2 34``; ANNEX is a ``sg_report_annexes`` id."""
    annexes = load_taxonomy().ids("sg_report_annexes")
    citations = []
    for number, line in enumerate(str(value or "").splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        where = f"sg_citations line {number}"
        if len(words) not in (3, 4) or not _SYMBOL.fullmatch(words[0]):
            raise DraftInvalid(f"{where}: SYMBOL YEAR ANNEX [PARAGRAPH], e.g. "
                               "A/HRC/54/61 2023 annex_2 34")
        if not words[1].isdigit() or not 1990 <= int(words[1]) <= 2100:  # noqa: PLR2004
            raise DraftInvalid(f"{where}: the year of the report")
        if words[2] not in annexes:
            raise DraftInvalid(f"{where}: the annex is one of {', '.join(annexes)}")
        citation: dict[str, Any] = {"symbol": words[0], "year": int(words[1]),
                                    "annex": words[2]}
        if len(words) == 4:  # noqa: PLR2004
            if not _PARAGRAPH.fullmatch(words[3]):
                raise DraftInvalid(f"{where}: a paragraph number such as 34 or 12(b)")
            citation["paragraph"] = words[3]
        citations.append(citation)
    return citations


def citation_line(citation: Mapping[str, Any]) -> str:
    return " ".join(str(citation[k]) for k in ("symbol", "year", "annex", "paragraph")
                    if citation.get(k) is not None)


def follow_up_line(event: Mapping[str, Any]) -> str:
    head = " ".join(str(event[k]) for k in ("date", "event", "stance") if event.get(k))
    return f"{head} : {event['note']}" if event.get("note") else head


def parse_follow_up(value: Any) -> list[dict[str, Any]]:
    """One event per line: ``YYYY[-MM] event_id [stance] [: note]``, e.g.
    ``2024-03 government_response denies : the State denied any link``. Published with the
    year only (S18); the note is checked for identifiers like every released text."""
    t = load_taxonomy()
    events = []
    for number, line in enumerate(str(value or "").splitlines(), start=1):
        head, _, note = line.partition(":")
        words = head.split()
        if not words:
            continue
        where = f"follow_up line {number}"
        date = words[0]
        shaped = re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2]))?", date) is not None
        if not shaped or int(date[:4]) < 1945 or date > utc_day()[:len(date)]:  # noqa: PLR2004
            raise DraftInvalid(f"{where}: start with YYYY or YYYY-MM, not in the future")
        if len(words) < 2 or words[1] not in t.ids("follow_up_events"):  # noqa: PLR2004
            raise DraftInvalid(f"{where}: the second word is a follow-up event id "
                               f"({', '.join(t.ids('follow_up_events'))})")
        event: dict[str, Any] = {"date": words[0], "event": words[1]}
        if len(words) > 2:  # noqa: PLR2004
            if len(words) > 3 or words[2] not in t.ids("government_stances"):  # noqa: PLR2004
                raise DraftInvalid(f"{where}: the third word is a government stance id")
            event["stance"] = words[2]
        if note.strip():
            if len(note.strip()) > 1000:  # noqa: PLR2004
                raise DraftInvalid(f"{where}: a note has at most 1000 characters")
            event["note"] = note.strip()
        events.append(event)
    return sorted(events, key=lambda e: e["date"])


def _text(form: Mapping[str, Any], name: str, limit: int, *, required: bool) -> str:
    value = str(form.get(name) or "").strip()
    if required and not value:
        raise DraftInvalid(f"{name}: required")
    if len(value) > limit:
        raise DraftInvalid(f"{name}: at most {limit} characters")
    return value


def _lines(value: Any, limit: int) -> list[str]:
    lines = [line.strip() for line in str(value or "").splitlines() if line.strip()]
    if len(lines) > limit or any(len(line) > MAX_NAME for line in lines):
        raise DraftInvalid(f"un_actors: at most {limit} lines of {MAX_NAME} characters")
    return lines


def _country(value: str) -> str:
    code = value.upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise DraftInvalid("country: an ISO 3166-1 alpha-2 code such as BH")
    return code


def _year(value: str, this_year: int) -> int:
    if not value.isdigit() or not 1945 <= int(value) <= this_year:  # noqa: PLR2004
        raise DraftInvalid(f"year: a year between 1945 and {this_year}")
    return int(value)


def _estimate(value: Any) -> int:
    text = str(value or "").strip()
    if not text.isdigit() or int(text) < 1:
        raise DraftInvalid("suspect_set_estimate: a whole number of people, at least 1")
    return int(text)


def _key_id(value: Any) -> str:
    text = str(value or "")
    if not re.fullmatch(r"[0-9a-f]{32}", text):
        raise DraftInvalid("approver: choose a coordinator")
    return text


def latest_incident_day(fields: Mapping[str, Any], record_year: int | None) -> str | None:
    """The latest incident date the report gives, rounded UP to the end of its month or
    year when only those are known; else the end of the record's year."""
    days = []
    incidents = fields.get("incidents")
    for incident in incidents if isinstance(incidents, list) else []:
        value = incident.get("date") if isinstance(incident, Mapping) else None
        for match in _DATE.finditer(value if isinstance(value, str) else ""):
            day = _end_of(match)
            if day:
                days.append(day)
    if not days and record_year:
        days.append(f"{record_year}-12-31")
    return max(days) if days else None


def _end_of(match: re.Match[str]) -> str | None:
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day:
            return dt.date(int(year), int(month), int(day)).isoformat()
        if month:
            following = dt.date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
            return (following - dt.timedelta(days=1)).isoformat()
        return f"{int(year):04d}-12-31"
    except ValueError:
        return None
