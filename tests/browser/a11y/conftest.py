"""Accessibility audits with the vendored axe-core, in Debian's Chromium, with and without JS.

With JavaScript, axe is injected into the live page (``bypass_csp``: the strict CSP forbids
any script the site did not ship). Without JavaScript nothing can run in the page, so the
audit takes the DOM exactly as a script-less Chromium built it (``<noscript>`` content
included, scripts inert), serves that snapshot from the same origin (so the app's own
stylesheet applies) and audits it there. Serious and critical violations fail the test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[3]
AXE_DIR = ROOT / "intake" / "static" / "vendor" / "axe"
AXE = AXE_DIR / "axe.min.js"
SNAPSHOT_PREFIX = "/__a11y_snapshot/"
# WCAG 2.0–2.2 A and AA, plus axe's best practices (reported, failing only when serious).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
FAILING_IMPACTS = frozenset({"serious", "critical"})
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def verified_axe() -> Path:
    """The vendored axe, checked against the SRI hash recorded when it was vendored."""
    manifest = json.loads((AXE_DIR / "SRI.json").read_text("utf-8"))
    digest = base64.b64encode(hashlib.sha384(AXE.read_bytes()).digest()).decode()
    assert manifest["files"]["axe.min.js"]["integrity"] == f"sha384-{digest}", \
        "axe.min.js does not match intake/static/vendor/axe/SRI.json (run make vendor)"
    return AXE


class SnapshotServer:
    """WSGI wrapper: the app, plus ``/__a11y_snapshot/<n>`` serving stored no-JS DOMs."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.pages: dict[str, bytes] = {}

    def store(self, html: str) -> str:
        key = str(len(self.pages))
        self.pages[key] = html.encode("utf-8")
        return SNAPSHOT_PREFIX + key

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        path = environ.get("PATH_INFO", "")
        if path.startswith(SNAPSHOT_PREFIX) and path[len(SNAPSHOT_PREFIX):] in self.pages:
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                      ("Cache-Control", "no-store")])
            return [self.pages[path[len(SNAPSHOT_PREFIX):]]]
        return self.app(environ, start_response)


def script_free(html: str) -> str:
    """The no-JS DOM as markup a JS-enabled viewer shows the same way: scripts removed,
    ``<noscript>`` unwrapped (its content is what a script-less browser displayed)."""
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.DOTALL | re.IGNORECASE)
    return re.sub(r"</?noscript\b[^>]*>", "", html, flags=re.IGNORECASE)


@dataclass
class Auditor:
    """One browser, three contexts: with JS, without JS, and a viewer for no-JS snapshots."""

    browser: object
    server: SnapshotServer
    base: str
    axe: Path
    failures: list[str] = field(default_factory=list)
    audited: list[str] = field(default_factory=list)
    endpoints: set[str] = field(default_factory=set)  # every route audited, for the inventory

    def __post_init__(self) -> None:
        self.js = self.browser.new_context(bypass_csp=True).new_page()
        self.nojs = self.browser.new_context(java_script_enabled=False).new_page()
        self.viewer = self.browser.new_context(bypass_csp=True).new_page()

    def close(self) -> None:
        for page in (self.js, self.nojs, self.viewer):
            page.context.close()

    def visit(self, path: str, label: str | None = None, *, status: int = 200) -> None:
        """Audit ``path`` with and without JavaScript. A page that carries no script at all
        (no ``<script>``, no ``<noscript>``) is one document either way: audited once, and
        its no-JS audit recorded as the same one. The page must answer ``status`` itself
        (a redirect to a sign-in page would audit the wrong page)."""
        label = label or path
        self._expect(self.js.goto(self.base + path), path, status)
        scripted = self.js.evaluate("() => document.querySelector('script, noscript') !== null")
        self.check_js(label)
        if not scripted:
            self.audited.append(f"{label} [no js: same document, no script]")
            self.endpoints.add(f"{self.endpoint_of(self.js.url)} [no js]")
            return
        self._expect(self.nojs.goto(self.base + path), path, status)
        self.check_nojs(label)

    def _expect(self, response, path: str, status: int) -> None:  # type: ignore[no-untyped-def]
        assert response is not None, path
        assert response.status == status, (path, response.status)
        assert urlsplit(response.url).path == urlsplit(path).path, (path, response.url)

    def check_js(self, label: str) -> None:
        self.js.add_script_tag(path=str(self.axe))
        self._record(f"{label} [js]", self.js.evaluate(RUN_AXE, AXE_TAGS))
        self.endpoints.add(self.endpoint_of(self.js.url))

    def check_nojs(self, label: str) -> None:
        self.endpoints.add(f"{self.endpoint_of(self.nojs.url)} [no js]")
        snapshot = self.server.store(script_free(self.nojs.content()))
        self.viewer.goto(self.base + snapshot)
        self.viewer.add_script_tag(path=str(self.axe))
        self._record(f"{label} [no js]", self.viewer.evaluate(RUN_AXE, AXE_TAGS))

    def _record(self, label: str, violations: list[dict]) -> None:
        self.audited.append(label)
        for violation in violations:
            if violation["impact"] in FAILING_IMPACTS:
                self.failures.append(f"{label}: {violation['id']} ({violation['impact']}) "
                                     f"at {', '.join(violation['nodes'])}")

    def endpoint_of(self, url: str) -> str:
        """The app's endpoint for a page's address (GET first: a page answering a POST
        is named by its POST route)."""
        from werkzeug.exceptions import HTTPException

        url_map = getattr(self.server.app, "url_map", None)
        if url_map is None:  # a plain WSGI app (the auditor's own test): no routes
            return "(no route)"
        adapter = url_map.bind("localhost")
        for method in ("GET", "POST"):
            try:
                return str(adapter.match(urlsplit(url).path, method=method)[0])
            except HTTPException:
                continue
        return "(no route)"

    def assert_audited(self, endpoints: frozenset[str]) -> None:
        """Each of ``endpoints`` was audited with JavaScript and without."""
        missing = sorted(e for e in endpoints
                         if e not in self.endpoints or f"{e} [no js]" not in self.endpoints)
        assert not missing, f"not audited with and without JavaScript: {missing}"

    def assert_clean(self) -> None:
        assert not self.failures, "axe found serious or critical violations:\n" + \
            "\n".join(self.failures)


@pytest.fixture(scope="session")
def page_inventory():  # type: ignore[no-untyped-def]
    """tests/browser/a11y/page_inventory.py: the routes each axe test must audit."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("a11y_page_inventory",
                                                  Path(__file__).parent / "page_inventory.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def a11y_auditor(browser, live_server):
    """``with a11y_auditor(app) as auditor:`` — serves the app and audits its pages."""
    import contextlib

    axe = verified_axe()

    @contextlib.contextmanager
    def start(app):  # type: ignore[no-untyped-def]
        server = SnapshotServer(app)
        with live_server(server) as base:
            auditor = Auditor(browser, server, base, axe)
            try:
                yield auditor
            finally:
                auditor.close()

    return start
