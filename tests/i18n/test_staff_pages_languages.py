"""The reviewer's and the case base's pages read in the reader's language: no run of
untranslated English outside the data itself (user names, people's names in records)."""

from __future__ import annotations

import importlib.util
import secrets
import sys
from pathlib import Path

import pytest

_here = Path(__file__).resolve().parent


def _load(name: str, path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


flow = _load("staff_pages_flow", _here / "test_reporter_languages.py")
rv_support = _load("staff_pages_rv", _here.parent / "functional/reviewer/conftest.py")
USER_NAMES = ("coord", "otto", "vera", "ada")


def _leftovers(page: str, language: str) -> list[str]:
    runs = flow.english_runs(page, latin_script=language in {"fr", "es"})
    return [run for run in runs if not set(run.split()) <= set(USER_NAMES)]


@pytest.mark.parametrize("language", ["ar", "ru", "zh", "fr"])
def test_reviewer_pages_read_in_the_language(tmp_path, database_url, live_server, language):
    from reviewer.app import create_app as create_reviewer_app
    from vault.api.app import create_app as create_api_app
    from vault.api.testkit import build_api_instance

    directory = tmp_path / "instance"
    directory.mkdir()
    instance = build_api_instance(directory, database_url)
    (instance.config.keys_dir / "session-secret.key").write_text(secrets.token_hex(32))
    with live_server(create_api_app(instance.config)) as api_url:
        app = create_reviewer_app(instance.config, vault_url=api_url)
        app.config["TESTING"] = True
        rv = rv_support.Rv(instance, api_url, app)
        report = rv.submit({"narrative": "x", "incidents": [{"acts": ["detention"]}]})
        coord = rv.driver("coord")
        case_path = coord.post("/cases/", {"title": "T", "kind": "individual"},
                               token_from="/cases/").headers["Location"]
        rid = report.report_id
        for path in ("/", "/inbox/", "/cases/", case_path, "/cycle/", f"/reports/{rid}",
                     f"/reports/{rid}/redact", f"/release/reports/{rid}", f"/followup/{rid}"):
            page = coord.page(f"{path}?lang={language}")
            assert not _leftovers(page, language), (path, _leftovers(page, language))
