"""The audit log for admins: list entries (who, what, day) and verify the chain."""

from __future__ import annotations

from flask import Blueprint, render_template

from reviewer.audit_check import check_audit
from reviewer.forms import EmptyForm
from reviewer.state import reviewer_state
from reviewer.web import api

blueprint = Blueprint("audit", __name__, url_prefix="/audit")


@blueprint.route("/")
def index():  # type: ignore[no-untyped-def]
    return render_template("audit.html", entries=api().audit_entries(), check=None,
                           form=EmptyForm())


@blueprint.route("/verify", methods=["POST"])
def verify():  # type: ignore[no-untyped-def]
    client = api()
    entries = client.audit_entries()
    check = check_audit(client.audit_verify(), entries, reviewer_state().config.state_dir)
    return render_template("audit.html", entries=entries, check=check, form=EmptyForm())
