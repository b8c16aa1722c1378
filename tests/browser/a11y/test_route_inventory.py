"""Every GET route of the intake, the reviewer app and the case base is either audited by the
axe run (page_inventory.AUDITED) or listed as no HTML page, with the reason
(page_inventory.NOT_PAGES): a new page fails here until an axe test visits it."""

from __future__ import annotations

import importlib.util
import secrets
import sys
from pathlib import Path

_here = Path(__file__).resolve().parent


def _load(name: str, path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


inventory = _load("a11y_page_inventory", _here / "page_inventory.py")
intake_support = _load("a11y_inventory_intake", _here.parents[1] / "functional/intake/conftest.py")


def get_endpoints(app) -> set[str]:  # type: ignore[no-untyped-def]
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}


def _apps(tmp_path: Path, database_url: str) -> dict:
    from casebase.app import create_app as create_casebase_app
    from casebase.config import CasebaseConfig
    from intake.app import create_app as create_intake_app
    from reviewer.app import create_app as create_reviewer_app
    from vault.api.testkit import build_api_instance

    (tmp_path / "intake").mkdir()
    intake = create_intake_app(
        intake_support.build_instance(tmp_path / "intake", database_url).config)
    (tmp_path / "reviewer").mkdir()
    instance = build_api_instance(tmp_path / "reviewer", database_url)
    (instance.config.keys_dir / "session-secret.key").write_text(secrets.token_hex(32))
    reviewer = create_reviewer_app(instance.config, vault_url="http://127.0.0.1:9")
    casebase = create_casebase_app(CasebaseConfig(
        database_url=f"sqlite:///{tmp_path / 'casebase.db'}", keys_dir=tmp_path / "cb-keys",
        secret_key="c" * 64))
    return {"intake": intake, "reviewer": reviewer, "casebase": casebase}


def test_every_get_route_is_audited_or_says_why_it_is_no_page(tmp_path, database_url):
    unaccounted, stale = {}, {}
    for name, app in _apps(tmp_path, database_url).items():
        routes = get_endpoints(app)
        audited = set().union(*(inventory.AUDITED[part] for part in inventory.APPS[name]))
        exempt = set(inventory.NOT_PAGES[name])
        assert not audited & exempt, (name, audited & exempt)
        if routes - audited - exempt:
            unaccounted[name] = sorted(routes - audited - exempt)
        if (audited | exempt) - routes:
            stale[name] = sorted((audited | exempt) - routes)
    assert not unaccounted, ("GET routes neither audited by axe nor listed with a reason in "
                             f"tests/browser/a11y/page_inventory.py: {unaccounted}")
    assert not stale, f"page_inventory.py names routes that no longer exist: {stale}"


def test_every_not_page_reason_is_given():
    for name, routes in inventory.NOT_PAGES.items():
        for endpoint, reason in routes.items():
            assert len(reason.split()) >= 2, (name, endpoint)  # noqa: PLR2004
