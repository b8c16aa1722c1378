"""The pages that carry code: identical bytes for every visitor (S10), no per-visitor data."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template
from flask_babel import format_decimal

from intake.form_schema import (
    SCOPE_EXPLANATIONS,
    SECTIONS,
    SECTIONS_BY_ID,
    VICTIM_ONLY_SCOPES,
    input_name,
)
from intake.headers import CLEAR_SITE_DATA

pages = Blueprint("pages", __name__)

# Choices preselected to "no" (DESIGN.md §4: every choice defaults to "no"); factual
# questions stay unanswered instead, so "not said" is never stored as "no".
DEFAULT_NO = frozenset({"danger_now", "risks_explained"})


def services():
    return current_app.extensions["haven_intake"]


@pages.get("/")
def index():
    return render_template("index.html")


@pages.get("/report")
def report():
    intake = services().intake_config
    return render_template(
        "report.html",
        sections=SECTIONS,
        input_name=input_name,
        default_no=DEFAULT_NO,
        scope_options=_scope_options(),
        scope_explanations=SCOPE_EXPLANATIONS,
        victim_only=VICTIM_ONLY_SCOPES,
        nojs_limit=_megabytes(intake.nojs_max_attachment_bytes),
        chunk_size=65536,  # SPEC §4.6 CHUNK_SIZE
        instance_id=services().config.instance_id,
    )


@pages.get("/help")
def help():  # noqa: A001 - the page is called "help"
    return render_template("help.html")


@pages.get("/protection")
def protection():
    return render_template("protection.html")


@pages.get("/next")
def what_next():
    return render_template("next.html")


@pages.get("/inbox")
def inbox():
    return render_template("inbox.html", instance_id=services().config.instance_id,
                           scope_options=_scope_options(),
                           reply_days=services().config.reply_retention_days)


@pages.get("/exit")
def quick_exit():
    """Leave at once: clear what this origin stored, then replace the page with a neutral one."""
    neutral = services().intake_config.quick_exit_url
    response = Response(render_template("exit.html", neutral=neutral))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@pages.get("/bundle.json")
def bundle():
    """The signed reviewer key bundle, byte for byte as published (SPEC §2.3)."""
    return Response(services().bundle.document, mimetype="application/json")


@pages.get("/manifest.json")
def manifest():
    """The signed served-code manifest of this release, when one was published (S10)."""
    path = services().config.public_dir / "manifest.json"
    if not path.is_file():
        abort(404)
    return Response(path.read_bytes(), mimetype="application/json")


def _scope_options() -> list[tuple[str, str]]:
    consent = SECTIONS_BY_ID["consent"]
    return next(field for field in consent.fields if field.name == "scopes").options()


def _megabytes(size: int) -> str:
    return f"{format_decimal(size / (1024 * 1024), format='#,##0.#')} MB"
