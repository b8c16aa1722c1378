"""Cases: link and merge reports, people, sources with reliability, evidence of the UN link,
the action log and reminders (DESIGN.md §5). Everything is a sealed, signed record."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from reviewer import forms as f
from reviewer.service import records_by_case, reviewer_names, write_record
from reviewer.web import keys
from reviewer.workspace import case_states
from vault.canonical import utc_day

blueprint = Blueprint("cases", __name__, url_prefix="/cases")

UUID = "<uuid:case_id>"
# endpoint suffix -> (record kind, form class): one table instead of six near-equal views.
PARTS = {
    "person": ("person", f.PersonForm),
    "source": ("source", f.SourceForm),
    "evidence": ("evidence", f.EvidenceForm),
    "action": ("action_log", f.ActionForm),
    "reminder": ("reminder", f.ReminderForm),
}


def _form_data(form) -> dict:  # type: ignore[no-untyped-def]
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


@blueprint.route("/")
def index():  # type: ignore[no-untyped-def]
    keys()
    states = case_states(records_by_case(reviewer_names()))
    return render_template("cases.html", cases=sorted(states.values(), key=lambda c: c.title),
                           form=f.CaseForm(), today=utc_day())


@blueprint.route("/", methods=["POST"], endpoint="create")
def create():  # type: ignore[no-untyped-def]
    form = f.CaseForm()
    if not form.validate_on_submit():
        flash(_("The case needs a title and a kind."), "error")
        return redirect(url_for("cases.index"))
    case_id = str(uuid.uuid4())
    write_record("case", _form_data(form), case_id=case_id)
    return redirect(url_for("cases.show", case_id=case_id))


@blueprint.route(f"/{UUID}")
def show(case_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return render_case(case_id)


def render_case(case_id: uuid.UUID, failed: tuple[str, object] | None = None,
                status: int = 200):  # type: ignore[no-untyped-def]
    """The case page; ``failed`` = (part name, form) keeps what a reviewer typed."""
    keys()
    state = case_states(records_by_case(reviewer_names())).get(str(case_id))
    if state is None:
        abort(404)
    part_forms = {name: form_class(formdata=None) for name, (_kind, form_class) in PARTS.items()}
    if failed:
        part_forms[failed[0]] = failed[1]
    return render_template("case.html", case=state, forms=part_forms,
                           link_form=f.LinkForm(formdata=None),
                           merge_form=f.MergeForm(formdata=None)), status


@blueprint.route(f"/{UUID}/link", methods=["POST"])
def link(case_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = f.LinkForm()
    if form.validate_on_submit():
        write_record("case_link", {"report_id": form.report_id.data}, case_id=str(case_id),
                     report_id=form.report_id.data)
    else:
        flash(_("Give the full id of a report you can see."), "error")
    return redirect(url_for("cases.show", case_id=case_id))


@blueprint.route(f"/{UUID}/merge", methods=["POST"])
def merge(case_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = f.MergeForm()
    if form.validate_on_submit() and form.other_case_id.data != str(case_id):
        write_record("case_merge", {"merged_case_id": form.other_case_id.data},
                     case_id=str(case_id))
    else:
        flash(_("Give the id of another case."), "error")
    return redirect(url_for("cases.show", case_id=case_id))


def _part_view(name: str):  # type: ignore[no-untyped-def]
    kind, form_class = PARTS[name]

    def view(case_id: uuid.UUID):  # type: ignore[no-untyped-def]
        form = form_class()
        if not form.validate_on_submit():
            errors = "; ".join(f"{form[n].label.text}: {' '.join(e)}"
                               for n, e in form.errors.items())
            flash(_("Not saved: %(errors)s", errors=errors), "error")
            return render_case(case_id, (name, form), 400)
        write_record(kind, _form_data(form), case_id=str(case_id))
        return redirect(url_for("cases.show", case_id=case_id))

    return view


for _name in PARTS:
    blueprint.add_url_rule(f"/{UUID}/{_name}", endpoint=_name, view_func=_part_view(_name),
                           methods=["POST"])
