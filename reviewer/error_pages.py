"""Error pages of the reviewer app: each failure gets a clear page and changes nothing.

Messages name what happened (CSRF, locked key, vault refusal, untrusted bundle) without
echoing request data, report content or addresses.
"""

from __future__ import annotations

import logging

from flask import Flask, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from reviewer.errors import BundleUntrusted, KeyLocked
from reviewer.vault_client import (
    NoAccess,
    QuotaExceeded,
    Unauthenticated,
    Unavailable,
    Unreachable,
    VaultApiError,
)

log = logging.getLogger("haven.reviewer")


def register(app: Flask) -> None:
    _session_and_form_errors(app)
    _vault_errors(app)
    _status_pages(app)


def _session_and_form_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_refused(error):  # type: ignore[no-untyped-def]
        message = _("The form expired or did not come from this app. Reload and try again.")
        return render_template("error.html", title=_("Form refused"), message=message), 400

    @app.errorhandler(KeyLocked)
    def key_locked(error):  # type: ignore[no-untyped-def]
        return redirect(url_for("keys.unlock", next=request.path))

    @app.errorhandler(Unauthenticated)
    def api_session_ended(error):  # type: ignore[no-untyped-def]
        from reviewer.web import sign_out

        response = redirect(url_for("auth.login"))
        sign_out(response)
        return response



def _vault_errors(app: Flask) -> None:
    @app.errorhandler(Unreachable)
    @app.errorhandler(Unavailable)
    def vault_down(error):  # type: ignore[no-untyped-def]
        message = _("The vault API cannot be reached or is unavailable. Nothing was changed.")
        return render_template("error.html", title=_("Vault unavailable"),
                               message=message), 503

    @app.errorhandler(NoAccess)
    def no_access(error):  # type: ignore[no-untyped-def]
        message = _("This report is not shared with your key (not in the triage set, not "
                    "assigned to you).")
        return render_template("error.html", title=_("Not shared with you"),
                               message=message), 403

    @app.errorhandler(QuotaExceeded)
    def quota(error):  # type: ignore[no-untyped-def]
        message = _("Your daily quota of opened reports is used up; coordinators were alerted "
                    "if this looked like a bulk export.")
        return render_template("error.html", title=_("Quota reached"), message=message), 429

    @app.errorhandler(BundleUntrusted)
    def untrusted(error):  # type: ignore[no-untyped-def]
        log.error("key bundle refused: %s", error)
        message = _("The reviewer key bundle from the vault does not verify against the "
                    "organisation pin. Nothing can be sealed or opened: tell an admin.")
        return render_template("error.html", title=_("Key bundle not trusted"),
                               message=message), 503

    @app.errorhandler(VaultApiError)
    def api_refused(error):  # type: ignore[no-untyped-def]
        status = {"not_found": 404, "forbidden": 403, "conflict": 409}.get(error.code, 400)
        if error.status >= 500:  # noqa: PLR2004
            status = 502
        message = _("The vault API refused the request (%(code)s). Nothing was changed.",
                    code=error.api_code)
        return render_template("error.html", title=_("Refused"), message=message), status


def _status_pages(app: Flask) -> None:
    for status, title in ((403, _l("Not allowed")), (404, _l("Not found")),
                          (405, _l("Not allowed")), (413, _l("Too large"))):
        app.register_error_handler(status, _status_page(status, title))


def _status_page(status: int, title):  # type: ignore[no-untyped-def]
    def handler(error):  # type: ignore[no-untyped-def]
        return render_template("error.html", title=str(title), message=""), status

    return handler
