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


latin = _load("staff_pages_latin_words", _here / "latin_words.py")
# Words a page may show besides the common allow-list, by page: proper names only. Ids and
# commands are named by a label or shown as <code> (the redaction tool's entity types, the
# release page's tiers and annexes, the CLI command in the outbox and the admin banner).
KNOWN_IDS: dict[str, frozenset[str]] = {}


def _known(path: str) -> frozenset[str]:
    return frozenset().union(*(ids for part, ids in KNOWN_IDS.items() if part in path))


@pytest.mark.parametrize("language", ["ar", "ru"])
def test_reviewer_pages_show_no_latin_script_word(tmp_path, database_url, live_server,
                                                  language):
    """Stricter than the English-run check: in Arabic and Russian not one Latin-script word
    outside the data (names, ids in URLs and code) and the allow-list — a raw id shown in
    place of a label fails here."""
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
        # Mentions the redaction tool suggests masking, so that its list names their kinds.
        report = rv.submit({"narrative": "Call +41 22 917 9000 or write to a.person@example.org",
                            "incidents": [{"acts": ["detention"]}]})
        coord = rv.driver("coord")
        case_path = coord.post("/cases/", {"title": "T", "kind": "individual"},
                               token_from="/cases/").headers["Location"]
        rid = report.report_id
        leftovers = {}
        for path in ("/", "/inbox/", "/inbox/urgent", "/cases/", case_path, "/cycle/",
                     f"/reports/{rid}", f"/reports/{rid}/redact", f"/release/reports/{rid}",
                     "/release/outbox", f"/followup/{rid}", f"/transmissions/{rid}",
                     "/key/setup"):
            page = coord.page(f"{path}?lang={language}")
            words = latin.latin_words(page, frozenset(USER_NAMES) | _known(path))
            if words:
                leftovers[path] = sorted(set(words))
        assert not leftovers, leftovers
        redaction = coord.page(f"/reports/{rid}/redact?lang={language}")
        assert redaction.count('name="keep"') >= 2  # the phone number and the address


@pytest.fixture
def i18n_casebase_app(casebase_with_public_cases):
    app = casebase_with_public_cases(partner=("partner-i18n", "a partner password"))
    app.config["WTF_CSRF_ENABLED"] = False  # the partner logs in from the test client
    return app


inventory = _load("staff_pages_inventory", _here.parent / "browser/a11y/page_inventory.py")
# More addresses of a page than its bare route: a search, and each year of the trends.
CASEBASE_VARIANTS = {"public.index": ("?q=passport&sort=newest", "?sort=country&page=2")}


def _casebase_pages(app, client) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Every HTML GET route of the case base (its url_map less the inventory's downloads,
    images and JSON), with the addresses that show it: a new page is walked, or this
    fails naming the value its route needs."""
    import re

    from flask import url_for

    listing = client.get("/").get_data(as_text=True)
    values = {"record_id": re.search(r'href="/cases/([0-9a-f]{32})', listing).group(1)}
    pages = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or \
                    rule.endpoint in inventory.NOT_PAGES["casebase"]:
                continue
            missing = set(rule.arguments) - set(values)
            assert not missing, f"{rule.endpoint}: give the walk a value for {missing}"
            base = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
            pages[rule.endpoint] = [base] + [base + extra for extra in
                                             CASEBASE_VARIANTS.get(rule.endpoint, ())]
    trends = client.get("/trends").get_data(as_text=True)
    pages["public.trends_page"] += sorted(set(re.findall(r'href="(/trends\?year=\d{4})', trends)))
    return pages


def _casebase_error_pages(client, language: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The error pages a reader can meet: unknown page and case (404), a search that
    cannot be run (400), a year without statistics (404), a wrong password (401) and the
    login throttle (429)."""
    pages = {}
    for path, status in (("/no-such-page", 404), ("/cases/" + "0" * 32, 404),
                         ("/?sort=sideways", 400), ("/?country=XX", 400),
                         ("/trends?year=1901", 404)):
        answer = client.get(f"{path}{'&' if '?' in path else '?'}lang={language}")
        assert answer.status_code == status, path
        pages[path] = answer.get_data(as_text=True)
    wrong = {"username": "nobody-here", "password": "not the password"}
    for _attempt in range(6):
        answer = client.post(f"/partner/login?lang={language}", data=wrong)
        pages[f"POST /partner/login ({answer.status_code})"] = answer.get_data(as_text=True)
    assert answer.status_code == 429
    return pages


@pytest.mark.parametrize("language", ["ar", "ru"])
def test_casebase_pages_read_in_the_language(i18n_casebase_app, language):
    """Every HTML page of the case base in Arabic and Russian, for the public and for a
    logged-in partner, and its error pages: no run of English, and no Latin-script word
    outside the published records themselves (which sit in <bdi>), ids in URLs and code."""
    client = i18n_casebase_app.test_client()
    pages = _casebase_pages(i18n_casebase_app, client)
    assert set(pages) == set(inventory.AUDITED["casebase"])  # the inventory's pages, no fewer
    seen = {}
    for reader in ("public", "partner"):
        if reader == "partner":
            answer = client.post("/partner/login", data={"username": "partner-i18n",
                                                         "password": "a partner password"})
            assert answer.status_code == 302
        for paths in pages.values():
            for path in paths:
                answer = client.get(f"{path}{'&' if '?' in path else '?'}lang={language}")
                assert answer.status_code == 200, (reader, path)
                seen[f"{reader} {path}"] = answer.get_data(as_text=True)
    client.post("/partner/logout")
    seen.update(_casebase_error_pages(client, language))
    leftovers = {}
    for name, page in seen.items():
        # Runs of English, and single words, outside the data (the same data as
        # latin_words: <bdi>, <code>, translate="no", a record's title in <title>).
        found = flow.ENGLISH_RUN.findall(latin.visible_text(page)) + latin.latin_words(page)
        if found:
            leftovers[name] = sorted(set(found))
    assert not leftovers, leftovers


@pytest.mark.parametrize("language", ["ar", "ru", "zh"])
def test_casebase_charts_speak_the_language(i18n_casebase_app, language):
    """The trends charts (SVG) carry the page's language: translated titles and labels,
    and in Arabic a mirrored drawing with ``direction="rtl"``."""
    import re
    import xml.etree.ElementTree as ET

    client = i18n_casebase_app.test_client()
    trends = client.get(f"/trends?lang={language}").get_data(as_text=True)
    charts = sorted(set(re.findall(r'src="(/trends/charts/[\w-]+\.svg)', trends)))
    assert charts
    english = {ET.fromstring(client.get(path + "?lang=en").get_data(as_text=True))  # noqa: S314
               .findtext("{http://www.w3.org/2000/svg}title") for path in charts}
    for path in charts:
        svg = client.get(f"{path}?lang={language}").get_data(as_text=True)
        root = ET.fromstring(svg)  # noqa: S314 - our own output
        assert root.get("direction") == ("rtl" if language == "ar" else "ltr")
        assert root.findtext("{http://www.w3.org/2000/svg}title") not in english
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        if language != "zh":
            assert not latin.LATIN_WORD.findall(texts), (path, texts)
        png = client.get(path.replace(".svg", ".png") + f"?lang={language}")
        assert png.status_code == 200
        assert png.data.startswith(b"\x89PNG")
        _assert_the_png_font_draws(texts + (root.findtext("{http://www.w3.org/2000/svg}title")
                                            or ""), language)


def _assert_the_png_font_draws(text: str, language: str) -> None:
    """Every letter of the chart is in the character map of the first installed font the
    PNG is drawn with (no empty boxes for Chinese, Arabic or Cyrillic)."""
    from pathlib import Path

    from fontTools.ttLib import TTCollection, TTFont

    from casebase.charts import font_files

    path = next(Path(p) for p in font_files(language) if Path(p).is_file())
    fonts = TTCollection(path).fonts if path.suffix == ".ttc" else [TTFont(path)]
    cmap = fonts[0].getBestCmap()
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}
    assert not missing, (path.name, sorted(missing))
