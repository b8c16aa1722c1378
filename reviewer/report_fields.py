"""What the reviewer app reads out of a report's ``fields`` (the intake's form, version 1:
``{"form_version", "<section>": {...}, "incidents": [{...}]}``, intake/form_schema.py).

Only plain lookups with type checks: the fields are reporter-controlled JSON, so anything
of an unexpected shape is ignored here (it is still shown, escaped, on the page).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from haven.taxonomy import load_taxonomy

YES = "yes"


def _section(fields: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = fields.get(name)
    return value if isinstance(value, Mapping) else {}


def _text(section: Mapping[str, Any], name: str) -> str:
    value = section.get(name)
    return value.strip() if isinstance(value, str) else ""


def narrative(fields: Mapping[str, Any]) -> str:
    return (_text(_section(fields, "situation"), "narrative")
            or _text(fields, "narrative"))


@dataclass(frozen=True)
class RiskFlag:
    code: str
    label: Any  # a lazy translation


_FLAGS = (
    ("danger", "danger_now", "danger_now", _l("Someone is in immediate danger")),
    ("risk", "detained", "detained", _l("Detained now")),
    ("risk", "further_reprisal", "further_reprisal", _l("At risk of further reprisal")),
)
_CHECKS = (
    ("risk", "urgent_protection", "urgent_protection", _l("Urgent protection is needed")),
    ("risk", "urgent_appeal", "urgent_appeal_wanted", _l("An urgent appeal is wanted")),
)


def risk_flags(fields: Mapping[str, Any]) -> list[RiskFlag]:
    flags = [RiskFlag(code, label) for section, name, code, label in _FLAGS
             if _section(fields, section).get(name) == YES]
    flags += [RiskFlag(code, label) for section, name, code, label in _CHECKS
              if _section(fields, section).get(name) is True]
    return flags


def incident_acts(fields: Mapping[str, Any]) -> list[str]:
    known = set(load_taxonomy().ids("acts"))
    incidents = fields.get("incidents")
    acts: list[str] = []
    for incident in incidents if isinstance(incidents, list) else []:
        values = incident.get("acts") if isinstance(incident, Mapping) else None
        for act in values if isinstance(values, list) else []:
            if isinstance(act, str) and act in known and act not in acts:
                acts.append(act)
    return acts


def triage_defaults(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What the triage form starts from: the reporter's own answers, to be checked."""
    country = _text(_section(fields, "person"), "country")
    return {"country": country if len(country) == 2 and country.isalpha() else "",  # noqa: PLR2004
            "acts": incident_acts(fields), "urgent": bool(risk_flags(fields))}


def known_identifiers(fields: Mapping[str, Any]) -> dict[str, list]:
    """Names and places from the structured fields, for the redaction assistant."""
    identity, person = _section(fields, "identity"), _section(fields, "person")
    persons = [n for n in (_text(identity, "real_name"), _text(person, "name_to_publish")) if n]
    places = [p for p in (_text(person, "city"),
                          _text(_section(fields, "situation"), "detention_place")) if p]
    incidents = fields.get("incidents")
    for incident in incidents if isinstance(incidents, list) else []:
        if isinstance(incident, Mapping) and _text(incident, "place"):
            places.append(_text(incident, "place"))
    return {"persons": persons, "places": places}


def language(fields: Mapping[str, Any]) -> str:
    lang = fields.get("lang") or fields.get("language")
    return lang if isinstance(lang, str) and lang else "en"
