"""Browser-test fixtures for the intake: a real instance served on loopback."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "intake_functional_support", Path(__file__).parents[2] / "functional/intake/conftest.py")
support = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = support  # dataclasses look their module up while loading
_spec.loader.exec_module(support)


def neutral_app(environ, start_response):
    """Stands in for the neutral site quick exit leaves to (tests have no internet)."""
    start_response("200 OK", [("Content-Type", "text/html")])
    return [b"<!doctype html><title>Neutral</title><h1>Weather</h1>"]


@pytest.fixture
def neutral_site(live_server):
    with live_server(neutral_app) as base_url:
        yield base_url


@pytest.fixture
def intake_site(tmp_path, database_url, live_server, neutral_site):
    from intake.app import create_app

    instance = support.build_instance(tmp_path, database_url,
                                      intake={"quick_exit_url": f"{neutral_site}/"})
    app = create_app(instance.config)
    assert "haven_intake" in app.extensions
    with live_server(app) as base_url:
        yield base_url, instance


intake_kit = support.intake_kit
rows = support.rows
