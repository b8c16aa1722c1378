"""Inbox and urgent queue."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from haven.taxonomy import load_taxonomy
from reviewer.forms import STATUSES
from reviewer.inbox import FILTERS, build_inbox
from reviewer.service import records_by_report, reviewer_names
from reviewer.state import reviewer_state
from reviewer.web import api, current_roles, keys

blueprint = Blueprint("inbox", __name__, url_prefix="/inbox")


@blueprint.route("/")
def index():  # type: ignore[no-untyped-def]
    return _render(urgent_only=False)


@blueprint.route("/urgent")
def urgent():  # type: ignore[no-untyped-def]
    return _render(urgent_only=True)


def _render(urgent_only: bool):  # type: ignore[no-untyped-def]
    keys()  # locked -> unlock page (the records below must be decrypted)
    config = reviewer_state().config
    names = reviewer_names()
    filters = {name: request.args.get(name, "").strip()[:100] for name in FILTERS}
    inbox = build_inbox(api().reports(), records_by_report(("triage", "status", "label",
                                                          "reviewer_event"), names),
                        names, filters, urgent_only=urgent_only,
                        ack_days=config.acknowledge_within_days,
                        urgent_ack_days=config.urgent_acknowledge_within_days)
    alerts = api().alerts() if "coordinator" in current_roles() else []
    return render_template("inbox.html", inbox=inbox, filters=filters, statuses=STATUSES,
                           alerts=alerts, names=names,
                           acts=load_taxonomy().vocabulary("acts"), urgent_only=urgent_only,
                           assignees=sorted(set(names.values())))
