"""The landing page after sign-in."""

from __future__ import annotations

from flask import Blueprint, render_template

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def index():  # type: ignore[no-untyped-def]
    return render_template("home.html")
