"""`haven redact`: the redaction assistant on standard input, one JSON object out.

    haven redact --lang ru --known "Мария Иванова" < narrative.txt
    {"redacted": "...", "spans": [{"start": 0, "end": 13, "type": "PERSON",
                                   "placeholder": "[PERSON-1]"}]}

Offsets are in code points of the input. Nothing is written anywhere but standard output.
"""

from __future__ import annotations

import json

import click


def _read_stdin() -> str:
    with click.open_file("-", mode="rb") as stream:
        data = stream.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.UsageError(
            f"standard input is not valid UTF-8 (byte {exc.start}); re-encode the text as UTF-8"
        ) from None


@click.command("redact")
@click.option("--lang", required=True, help="Language of the text: ar, zh, en, fr, ru or es.")
@click.option("--known", "known_names", multiple=True, metavar="NAME",
              help="A person's name from the report's fields (repeatable).")
@click.option("--known-org", "known_orgs", multiple=True, metavar="NAME",
              help="An organisation named in the fields (repeatable).")
@click.option("--known-place", "known_places", multiple=True, metavar="NAME",
              help="A city or place named in the fields (repeatable).")
@click.option("--known-id", "known_ids", multiple=True, metavar="NUMBER",
              help="An ID or passport number from the fields (repeatable).")
@click.option("--country", default=None, metavar="CC",
              help="The report's country (ISO 3166 alpha-2), for local phone numbers.")
@click.option("--allow-coarse-dates", is_flag=True,
              help="Keep month-level dates (consented); day-exact dates are always masked.")
def redact(
    *,
    lang: str,
    known_names: tuple[str, ...],
    known_orgs: tuple[str, ...],
    known_places: tuple[str, ...],
    known_ids: tuple[str, ...],
    country: str | None,
    allow_coarse_dates: bool,
) -> None:
    """Suggest redactions for UTF-8 text on stdin and print them as one JSON object."""
    from reviewer.redact import (
        KnownIdentifiers,
        KnownPerson,
        RedactionError,
        apply_redaction,
        suggest_spans,
    )

    text = _read_stdin()
    known = KnownIdentifiers(
        persons=tuple(KnownPerson(name=n.strip()) for n in known_names if n.strip()),
        organisations=tuple(o.strip() for o in known_orgs if o.strip()),
        places=tuple(p.strip() for p in known_places if p.strip()),
        identifiers=tuple(i.strip() for i in known_ids if i.strip()),
    )
    try:
        spans = suggest_spans(
            text, lang=lang, known=known, country=country, allow_coarse_dates=allow_coarse_dates
        )
        result = apply_redaction(text, spans)
    except RedactionError as exc:
        raise click.UsageError(str(exc)) from None
    payload = {
        "redacted": result.redacted,
        "spans": [
            {"start": s.start, "end": s.end, "type": s.type, "placeholder": placeholder}
            for s, placeholder in result.spans_with_placeholders
        ],
    }
    click.echo(json.dumps(payload, ensure_ascii=False))


commands: list[click.Command] = [redact]
