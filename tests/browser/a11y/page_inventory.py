"""Which GET routes of the three apps the axe run audits, and why the others are not pages.

``AUDITED`` names, per axe test, the endpoints that test must have audited (its Auditor
checks this at the end: ``auditor.assert_audited(AUDITED[name])``). ``NOT_PAGES`` lists
every GET route that renders no HTML page, with the reason. test_route_inventory.py walks
the url_map of each app and fails on a GET route in neither list, so a new page cannot be
added without being audited in English and Arabic, with and without JavaScript.
"""

from __future__ import annotations

AUDITED: dict[str, frozenset[str]] = {
    # tests/browser/a11y/test_intake_a11y.py
    "intake": frozenset({"pages.index", "pages.report", "pages.help", "pages.protection",
                         "pages.what_next", "pages.inbox"}),
    # tests/browser/a11y/test_reviewer_casebase_a11y.py (vault API test instance)
    "reviewer": frozenset({"auth.login", "home.index", "inbox.index", "inbox.urgent",
                           "cases.index", "cases.show", "cycle.index", "reports.show",
                           "reports.redact", "release.report", "release.outbox",
                           "followup.show", "transmission.show", "keys.unlock", "keys.setup",
                           "admin.accounts", "audit.index"}),
    # tests/browser/a11y/test_reviewer_world_a11y.py (with a case base and an attachment)
    "reviewer_world": frozenset({"cycle.brief", "keys.epoch", "reports.raw"}),
    # tests/browser/a11y/test_reviewer_casebase_a11y.py
    "casebase": frozenset({"public.index", "public.case", "public.trends_page",
                           "partner.login_form"}),
}

# Which audited sets belong to which app.
APPS: dict[str, tuple[str, ...]] = {
    "intake": ("intake",),
    "reviewer": ("reviewer", "reviewer_world"),
    "casebase": ("casebase",),
}

NOT_PAGES: dict[str, dict[str, str]] = {
    "intake": {
        "static": "static files (scripts, stylesheet, icons)",
        "pages.bundle": "JSON: the signed reviewer key bundle",
        "pages.manifest": "JSON: the signed served-code manifest",
        "pages.quick_exit": "no page to read: an empty document that clears site data and "
                            "replaces itself with the neutral site at once",
        "api.pow_challenge": "JSON API",
        "uploads_api.status": "JSON API",
        "openapi_api.openapi": "JSON: the OpenAPI document",
    },
    "reviewer": {
        "static": "static files",
        "reports.scrubbed": "a download: the scrubbed copy of an attachment",
        "transmission.download": "a download: the encrypted transmission package (.age)",
    },
    "casebase": {
        "static": "static files",
        "public.export": "a download: CSV or JSON export",
        "public.chart": "an image: a chart as SVG or PNG (its page, /trends, is audited)",
        "public.attachment": "an image: a released case's scrubbed image (shown on the "
                             "audited case page)",
        "api.cases": "JSON API",
        "api.case": "JSON API",
        "api.stats": "JSON API",
        "api.tombstones": "JSON API",
        "api.openapi": "JSON: the OpenAPI document",
    },
}
