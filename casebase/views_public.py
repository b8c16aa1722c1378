"""Public pages: the list with search and filters, a case page, trends, charts, exports."""

from __future__ import annotations

import re

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext

from casebase import auth, browse, exports, trends
from casebase.attachments import sniff_extension
from casebase.charts import render_png, render_svg
from casebase.countries import country_name
from casebase.errors import NotFound
from casebase.search import parse_query
from haven.taxonomy import load_taxonomy

public = Blueprint("public", __name__)


@public.app_context_processor
def _helpers() -> dict:
    taxonomy = load_taxonomy()
    return {"label": lambda v, t: gettext(taxonomy.label(v, t)) if t else "",
            "country_name": lambda code: country_name(code, browse.ui_locale()),
            "partner": auth.g.get("partner"), "tier": auth.tier_name()}


@public.get("/")
def index() -> str:
    settings = auth.state()["settings"]
    query = parse_query(request.args, settings.page_size)
    result = browse.list_page(auth.db(), query, auth.tiers(), auth.today())
    options = browse.filter_options(auth.db(), auth.tiers(), auth.today())
    return render_template("list.html", result=result, query=query, options=options,
                           stale_default=settings.stale_follow_up_months,
                           generalised=browse.generalised_note(auth.db(), query, auth.tiers(),
                                                               auth.today()))


@public.get("/cases/<record_id>")
def case(record_id: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{32}", record_id):
        raise NotFound("No such page or case.")
    page = browse.case_page(auth.db(), record_id, auth.tiers(), auth.today())
    return render_template("case.html", **page)


@public.get("/cases/<record_id>/attachments/<sha256>")
def attachment(record_id: str, sha256: str) -> Response:
    """A scrubbed image of a case, as stored: its type is the one checked at ingest, never
    guessed; public-tier images may be cached but are revalidated, so a withdrawal counts
    at the next look; partner-tier ones are never stored by a cache."""
    if not (re.fullmatch(r"[0-9a-f]{32}", record_id) and re.fullmatch(r"[0-9a-f]{64}", sha256)):
        raise NotFound("No such page or case.")
    record, found = browse.case_attachment(auth.db(), record_id, sha256, auth.tiers(),
                                           auth.today())
    response = Response(found.data, mimetype=found.media_type)
    name = f"case-{record_id[:8]}-{found.position + 1}.{sniff_extension(found.media_type)}"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = ("no-cache" if record.tier == "public"
                                         else "private, no-store")
    response.set_etag(found.sha256)
    return response.make_conditional(request)


@public.get("/trends")
def trends_page() -> str:
    settings = auth.state()["settings"]
    snapshot = browse.snapshot_for(auth.db(), auth.tier_name(), auth.today(),
                                   settings.suppression_threshold)
    years = snapshot["years"]
    year = request.args.get("year", type=int) or (years[-1] if years else None)
    if year is not None and year not in years:
        raise NotFound("No statistics for that year.")
    return render_template("trends.html", snapshot=snapshot, year=year, years=years,
                           tier_text=trends.tier_label(snapshot["tier"], gettext),
                           tables=trends.table_views(snapshot, gettext, year),
                           report=trends.annual_report(snapshot, year, gettext) if year else [])


@public.get("/trends/charts/<chart_id>.<fmt>")
def chart(chart_id: str, fmt: str) -> Response:
    settings = auth.state()["settings"]
    snapshot = browse.snapshot_for(auth.db(), auth.tier_name(), auth.today(),
                                   settings.suppression_threshold)
    drawn = trends.chart_for(snapshot, chart_id, gettext, browse.ui_locale())
    if drawn is None or fmt not in ("svg", "png"):
        raise NotFound("No such chart.")
    if fmt == "svg":
        response = Response(render_svg(drawn), mimetype="image/svg+xml")
    else:
        response = Response(render_png(drawn), mimetype="image/png")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="haven-{chart_id}-{snapshot["snapshot_day"]}.{fmt}"')
    return response


@public.get("/export.<fmt>")
def export(fmt: str) -> Response:
    if fmt not in ("csv", "json", "jsonl"):
        raise NotFound("No such export format.")
    query = parse_query(request.args, 100)
    day, tier = auth.today(), auth.tier_name()
    cases = browse.all_cases(auth.db(), query, auth.tiers(), day)
    if fmt == "csv":
        body, mimetype = exports.to_csv(cases, day), "text/csv"
    elif fmt == "json":
        body, mimetype = exports.to_json(cases, day, tier), "application/json"
    else:
        body, mimetype = "".join(exports.to_jsonl(cases, day, tier)), "application/x-ndjson"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="haven-casebase-{tier}-{day}.{fmt}"')
    response.headers["X-Haven-Snapshot-Date"] = day
    return response


def page_url(query, **changes) -> str:  # type: ignore[no-untyped-def]
    return url_for("public.index", **query.to_params(**changes))


public.add_app_template_global(page_url, "page_url")
