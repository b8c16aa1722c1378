"""Accounts for admins: create (TOTP enrolment QR + recovery codes shown once), reset a
second factor, clear a lockout. Keys, bundles and offboarding run through the CLI."""

from __future__ import annotations

import uuid

import segno
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from reviewer.forms import AccountForm, EmptyForm
from reviewer.vault_client import Rejected, VaultApiError
from reviewer.vault_types import Enrolment
from reviewer.web import api

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.app_context_processor
def bundle_notice_helper():  # type: ignore[no-untyped-def]
    """``admin_bundle_notice()`` for base.html's admin banner (called only for admins)."""
    from reviewer.bundle_notice import admin_bundle_notice

    return {"admin_bundle_notice": admin_bundle_notice}


def enrolment_qr(enrolment: Enrolment) -> str:
    """A data: URI PNG of the provisioning URI (made here with segno, no remote content)."""
    return segno.make(enrolment.provisioning_uri, error="m").png_data_uri(scale=5)


@blueprint.route("/accounts")
def accounts():  # type: ignore[no-untyped-def]
    return render_template("accounts.html", accounts=api().accounts(), form=AccountForm(),
                           action_form=EmptyForm())


@blueprint.route("/accounts", methods=["POST"], endpoint="create")
def create():  # type: ignore[no-untyped-def]
    form = AccountForm()
    if not form.validate_on_submit():
        return render_template("accounts.html", accounts=api().accounts(), form=form,
                               action_form=EmptyForm()), 400
    try:
        enrolment = api().create_account(form.username.data, list(form.roles.data),
                                         form.password.data)
    except (Rejected, VaultApiError) as exc:
        flash(_("The account was not created: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("admin.accounts"))
    return render_template("enrolment.html", enrolment=enrolment, qr=enrolment_qr(enrolment))


@blueprint.route("/accounts/<uuid:account_id>/reset-totp", methods=["POST"])
def reset_totp(account_id: uuid.UUID):  # type: ignore[no-untyped-def]
    EmptyForm().validate_on_submit()
    enrolment = api().reset_totp(str(account_id))
    return render_template("enrolment.html", enrolment=enrolment, qr=enrolment_qr(enrolment))


@blueprint.route("/accounts/<uuid:account_id>/unlock", methods=["POST"])
def unlock(account_id: uuid.UUID):  # type: ignore[no-untyped-def]
    EmptyForm().validate_on_submit()
    api().unlock_account(str(account_id))
    flash(_("The lockout was cleared."), "status")
    return redirect(url_for("admin.accounts"))


@blueprint.route("/accounts/<uuid:account_id>/offboard", methods=["POST"])
def offboard(account_id: uuid.UUID):  # type: ignore[no-untyped-def]
    """S6: tokens, TOTP, wrapped keys and every stanza of the account are deleted by the API;
    the keys leave the public bundle when the next bundle is signed offline with the CLI."""
    EmptyForm().validate_on_submit()
    if api().offboard(str(account_id)):
        flash(_("Offboarded. Now sign and publish a new key bundle with the CLI on the "
                "offline machine: haven keys bundle-draft, sign, haven keys publish-bundle."),
              "status")
    else:
        flash(_("Offboarded."), "status")
    return redirect(url_for("admin.accounts"))
