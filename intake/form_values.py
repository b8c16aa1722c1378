"""Turn submitted form values into the report's ``fields`` object, and check them.

Used by the no-JS path, where the server sees the form before sealing it. The JavaScript
builds the same object in the browser (intake/static/js/form-fields.js) from the same
schema, and the server never sees it there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import gettext as _

from intake.errors import FormError
from intake.form_schema import (
    FORM_VERSION,
    SECTIONS,
    VICTIM_ONLY_SCOPES,
    Field,
    Section,
    input_name,
)
from vault.canonical import utc_day

Values = Mapping[str, list[str]]  # HTML name -> submitted values, in order


def fields_from_form(values: Values, *, has_audio: bool = False) -> dict:
    """Build and validate the fields object; raise FormError naming the first bad field."""
    fields: dict = {"form_version": FORM_VERSION}
    for section in SECTIONS:
        if section.repeat:
            blocks = [_section_values(section, values, i) for i in range(section.repeat)]
            blocks = [block for block in blocks if block]
            if blocks:
                fields[section.id] = blocks
            continue
        block = _section_values(section, values, None)
        if block:
            fields[section.id] = block
    if "consent" in fields:
        fields["consent"] = consent_record(fields["consent"], utc_day())
    check_fields(fields, has_audio=has_audio)
    return fields


def consent_record(answers: Mapping, day: str) -> dict:
    """The form's consent answers in the shape of vault/SPEC.md §6.3, which the release gate
    folds: granted scopes only (everything else stays "no"), who gave it, whether and how
    the risks were explained, and the day."""
    record: dict = {
        "scopes": {scope: "grant" for scope in answers.get("scopes", [])},
        "given_by": answers.get("giver", ""),
        "risks_explained": answers.get("risks_explained") == "yes",
        "day": day,
        "how": answers.get("risks_explained_how", ""),
    }
    if answers.get("risks_explained_when"):
        record["risks_explained_when"] = answers["risks_explained_when"]
    return record


def _section_values(section: Section, values: Values, index: int | None) -> dict:
    block: dict = {}
    for field in section.fields:
        if field.kind in ("file", "audio"):
            continue  # attachments travel beside the fields, listed in the manifest
        name = input_name(section, field, index)
        raw = [value.strip() for value in values.get(name, []) if value.strip()]
        value = _field_value(field, raw, name)
        if value not in (None, [], ""):
            block[field.name] = value
    return block


def _field_value(field: Field, raw: list[str], name: str):
    for value in raw:
        if len(value) > field.max_length:
            raise FormError(
                _("This answer is too long (at most %(n)d characters).", n=field.max_length),
                name,
            )
    if field.kind == "check":
        return bool(raw) or None
    if field.kind == "links":
        return [line.strip() for text in raw for line in text.splitlines() if line.strip()]
    allowed = {value for value, _label in field.options()} if field.kind in (
        "choice", "multi") else None
    if field.kind == "multi":
        unknown = [value for value in raw if value not in (allowed or ())]
        if unknown:
            raise FormError(_("Please choose from the options shown."), name)
        return sorted(set(raw))
    if len(raw) > 1:
        raise FormError(_("Please give one answer."), name)
    value = raw[0] if raw else ""
    if allowed is not None and value and value not in allowed:
        raise FormError(_("Please choose from the options shown."), name)
    return value


def check_fields(fields: Mapping, *, has_audio: bool = False) -> None:
    """The rules of DESIGN.md §4 that hold whatever path the report takes."""
    consent = fields.get("consent", {})
    narrative = fields.get("situation", {}).get("narrative", "")
    if not narrative and not has_audio:
        raise FormError(
            _("Please describe what happened, in writing or as an audio recording."),
            "situation.narrative",
        )
    urgent = fields.get("danger", {}).get("danger_now") == "yes"
    if not urgent and not fields.get("un_link", {}).get("linked"):
        raise FormError(
            _("Please say whether it is linked to the UN ('I don't know' is a valid answer)."),
            "un_link.linked",
        )
    if not consent.get("given_by"):
        raise FormError(_("Please say who gives consent."), "consent.giver")
    blocked = blocked_scopes(consent["given_by"], consent.get("scopes", {}))
    if blocked:
        raise FormError(
            _("Until the person targeted consents, UN and publication choices stay off."),
            "consent.scopes",
        )


def blocked_scopes(giver: str, scopes: Iterable[str]) -> list[str]:
    """Scopes that need the victim's own consent, asked for while it is not there yet."""
    if giver != "not_asked":
        return []
    return sorted(scope for scope in scopes if scope in VICTIM_ONLY_SCOPES)
