"""The transmission package's content: the items OHCHR asks for, cut to the consented scopes.

``build_package`` reads the reporter's answers (the intake form, intake/form_schema.py),
the consent folded from signed events (S1), the reviewers' verification and earlier SG
report citations, and the coordinator's summary. Every field of the package has the
consent scopes that allow it in ``FIELD_SCOPES``; a field none of whose scopes is granted is
left out, so a package never carries what the victim did not agree to (property-tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vault.events import ConsentState

PACKAGE_FORMAT = "haven-transmission/1"
UN_SCOPES = frozenset({"un_confidential", "un_report_named", "un_report_anonymous"})
IDENTITY_SCOPES = frozenset({"un_confidential", "un_report_named"})
NAMED_SCOPES = frozenset({"un_report_named"})
SUMMARY_LANGUAGES = ("en", "fr", "es")  # annexes circulate in the language of submission
USES = {  # what the destination may do with it -> the scopes that allow that use
    "confidential": frozenset({"un_confidential"}),
    "sg_report_named": frozenset({"un_report_named"}),
    "sg_report_anonymous": frozenset({"un_report_anonymous", "un_report_named"}),
}

# Top-level and nested fields -> the scopes any one of which allows the field.
FIELD_SCOPES: Mapping[str, frozenset[str]] = {
    "victim.identity": IDENTITY_SCOPES,
    "victim.name_to_publish": NAMED_SCOPES,
    "victim.location.city": IDENTITY_SCOPES,
    "victim": UN_SCOPES,
    "un_cooperation": UN_SCOPES,
    "acts": UN_SCOPES,
    "current_situation": UN_SCOPES,
    "link_to_cooperation": UN_SCOPES,
    "perpetrators": UN_SCOPES,
    "domestic_remedies": UN_SCOPES,
    "prior_un_record": UN_SCOPES,
    "consent": UN_SCOPES,
    "risk": UN_SCOPES,
    "confidentiality": UN_SCOPES,
    "verification": UN_SCOPES,
    "summary": UN_SCOPES,
}
HEADER_FIELDS = ("format", "transmission_id", "destination", "use", "cycle", "prepared_on",
                 "submitting_organisation")


@dataclass(frozen=True)
class PackageInput:
    transmission_id: str
    destination: Mapping[str, str]  # {"id", "name"}
    use: str
    cycle: int | None
    prepared_on: str
    organisation: str
    summary: str
    summary_lang: str
    fields: Mapping[str, Any]
    consent: ConsentState
    verification: str | None
    reliability: str | None
    citations: tuple[Mapping[str, Any], ...] = ()


def _section(fields: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = fields.get(name)
    return value if isinstance(value, Mapping) else {}


def _pick(section: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """Only present, non-empty values of the expected plain types (reporter-controlled JSON)."""
    picked: dict[str, Any] = {}
    for name in names:
        value = section.get(name)
        if isinstance(value, str) and value.strip():
            picked[name] = value.strip()
        elif isinstance(value, bool):
            picked[name] = value
        elif isinstance(value, list):
            items = [v.strip() for v in value if isinstance(v, str) and v.strip()]
            if items:
                picked[name] = items
    return picked


def granted_un_scopes(consent: ConsentState) -> frozenset[str]:
    if consent.report_withdrawn:
        return frozenset()
    return frozenset(consent.granted) & (UN_SCOPES | {"state_transmission"})


def allowed(path: str, granted: frozenset[str]) -> bool:
    """Is ``path`` allowed by the granted scopes? The most specific rule decides."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        rule = FIELD_SCOPES.get(".".join(parts[:end]))
        if rule is not None:
            return bool(rule & granted)
    return path in HEADER_FIELDS


def _victim(fields: Mapping[str, Any]) -> dict[str, Any]:
    person, identity = _section(fields, "person"), _section(fields, "identity")
    victim = _pick(person, ("kind", "gender", "age_band", "roles", "work", "nationality",
                            "relatives_targeted", "name_to_publish"))
    location = _pick(person, ("city", "country"))
    if location:
        victim["location"] = location
    name = _pick(identity, ("real_name",))
    if name:
        victim["identity"] = {"name": name["real_name"]}
    return victim


def _acts(fields: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Incidents in the order of events as the reporter gave them (dates are free text)."""
    incidents = fields.get("incidents")
    acts = []
    for incident in incidents if isinstance(incidents, list) else []:
        if isinstance(incident, Mapping):
            item = _pick(incident, ("date", "place", "acts", "perpetrator_kind",
                                    "perpetrators", "unit"))
            if item:
                acts.append(item)
    return acts


def _perpetrators(acts: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = sorted({a["perpetrator_kind"] for a in acts if "perpetrator_kind" in a})
    institutions = sorted({p for a in acts for p in a.get("perpetrators", [])})
    units = sorted({a["unit"] for a in acts if "unit" in a})
    return {k: v for k, v in (("kinds", kinds), ("institutions", institutions),
                              ("units", units)) if v}


def _consent(consent: ConsentState, granted: frozenset[str],
             fields: Mapping[str, Any]) -> dict[str, Any]:
    declared = _pick(_section(fields, "consent"), ("risks_explained_when",
                                                  "risks_explained_how"))
    return {
        "given_by": consent.given_by, "scopes": sorted(granted),
        "named_or_anonymous": "named" if "un_report_named" in granted else "anonymous",
        "risks_explained": consent.risks_explained,
        "scope_days": {s: consent.last_day[s] for s in sorted(granted)
                       if s in consent.last_day},
        "how": "signed consent events through Haven's encrypted inbox", **declared,
    }


def _candidate(data: PackageInput, granted: frozenset[str]) -> dict[str, Any]:
    fields = data.fields
    acts = _acts(fields)
    un_link, situation = _section(fields, "un_link"), _section(fields, "situation")
    prior = _pick(_section(fields, "remedies"), ("raised_with_un", "cited_sg_report"))
    if data.citations:
        prior["sg_report_citations"] = [dict(c) for c in data.citations]
    return {
        "victim": _victim(fields),
        "un_cooperation": _pick(un_link, ("linked", "mechanisms", "official", "when", "how",
                                          "engagement", "references")),
        "acts": acts,
        "current_situation": _pick(situation, ("state_responsible", "detention_place",
                                               "charges", "lawyer_access", "travel_ban",
                                               "ongoing", "narrative")),
        "link_to_cooperation": _pick(un_link, ("reason",)).get("reason", ""),
        "perpetrators": _perpetrators(acts),
        "domestic_remedies": _pick(_section(fields, "remedies"),
                                   ("domestic_complaint", "domestic_outcome")),
        "prior_un_record": prior,
        "consent": _consent(data.consent, granted, fields),
        "risk": {**_pick(_section(fields, "danger"), ("danger_now",)),
                 **_pick(_section(fields, "risk"), ("further_reprisal", "detained",
                                                    "urgent_protection", "urgent_appeal"))},
        "confidentiality": {
            "identity_in_confidence": "un_report_named" not in granted,
            "may_be_named_in_report": "un_report_named" in granted,
            "may_be_transmitted_to_state": "state_transmission" in granted},
        "verification": {"status": data.verification or "unknown",
                         "source_reliability": data.reliability or "unknown"},
        "summary": {"lang": data.summary_lang, "text": data.summary},
    }


def _prune(value: Any, path: str, granted: frozenset[str]) -> Any:
    """Drop every mapping key whose path is not allowed; lists keep their items' shape."""
    if not isinstance(value, Mapping):
        return value
    kept = {}
    for key, item in value.items():
        child = f"{path}.{key}" if path else key
        if allowed(child, granted):
            kept[key] = _prune(item, child, granted)
    return kept


def build_package(data: PackageInput) -> dict[str, Any]:
    """The package as a JSON-ready dict; only consented fields. Empty items are left out."""
    granted = granted_un_scopes(data.consent)
    header = {"format": PACKAGE_FORMAT, "transmission_id": data.transmission_id,
              "destination": dict(data.destination), "use": data.use, "cycle": data.cycle,
              "prepared_on": data.prepared_on, "submitting_organisation": data.organisation}
    body = _prune(_candidate(data, granted), "", granted)
    return {**header, **{k: v for k, v in body.items() if v not in ({}, [], "")}}


def field_paths(package: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Every mapping key path in ``package`` (for the consent property test and the PDF)."""
    paths = []
    for key, value in package.items():
        path = f"{prefix}.{key}" if prefix else key
        paths.append(path)
        if isinstance(value, Mapping):
            paths.extend(field_paths(value, path))
    return paths


def missing_items(fields: Mapping[str, Any]) -> list[str]:
    """The OHCHR items the report does not give yet (what the board shows as lacking)."""
    person, un_link = _section(fields, "person"), _section(fields, "un_link")
    checks = (
        ("victim identity (confidential)", bool(_pick(_section(fields, "identity"),
                                                      ("real_name",)))),
        ("gender", bool(_pick(person, ("gender",)))),
        ("age band", bool(_pick(person, ("age_band",)))),
        ("role", bool(_pick(person, ("roles",)))),
        ("nationality", bool(_pick(person, ("nationality",)))),
        ("location", bool(_pick(person, ("country", "city")))),
        ("UN body or mechanism", bool(_pick(un_link, ("mechanisms",)))),
        ("date of the UN cooperation", bool(_pick(un_link, ("when",)))),
        ("UN reference (session, communication number or symbol)",
         bool(_pick(un_link, ("references",)))),
        ("why the acts are linked to the cooperation", bool(_pick(un_link, ("reason",)))),
        ("acts with dates", any("date" in a and "acts" in a for a in _acts(fields))),
        ("perpetrators", any("perpetrator_kind" in a for a in _acts(fields))),
        ("domestic remedies", bool(_pick(_section(fields, "remedies"),
                                         ("domestic_complaint",)))),
    )
    return [name for name, present in checks if not present]
