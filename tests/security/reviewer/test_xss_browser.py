"""XSS: hostile text in every field, key, message, file name and reviewer record renders
inert in Chromium — no dialog, no script element, no javascript: link, nothing executed."""

from __future__ import annotations

import pytest

from vault.api.testkit import PASSPHRASE, PASSWORD

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    "<img src=x onerror=\"window.__xss=2;alert(2)\">",
    "javascript:window.__xss=3;alert(3)",
    "<svg onload=\"window.__xss=4;alert(4)\"><circle r=9 /></svg>",
    "<a href=\"javascript:alert(5)\">click</a>",
    "\"><script>window.__xss=6</script>",
    "'><img src=x onerror=alert(7)>",
    "<style>*{background:url(https://evil.example/x.png)}</style>",
    "</bdi></p><script>alert(8)</script>",
    "<iframe src=\"javascript:alert(9)\"></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(10)>",
    "{{7*7}}{% raw %}${7*7}",
    "\u202egnp.exe\u202c \u2066isolated\u2069 \u200f",
    "https://evil.example/track.png",
    "A" * 20000,
]


def _hostile_report(rv):
    fields = {"narrative": " ".join(PAYLOADS), "country": PAYLOADS[1],
              "incidents": [{"place": p, "acts": [p]} for p in PAYLOADS[:6]],
              PAYLOADS[0]: PAYLOADS[3], "links": PAYLOADS[2:4] + [PAYLOADS[13]]}
    files = tuple((f"{p[:60]}.pdf", p[:40], b"%PDF-1.4 not really") for p in PAYLOADS[:5])
    report = rv.submit(fields, files=files)
    rv.reporter_event(report, "message", {"text": PAYLOADS[4], PAYLOADS[0]: PAYLOADS[1]})
    return report


def _annotate(rv, report_id: str) -> str:
    coord = rv.driver("coord")
    path = f"/reports/{report_id}"
    coord.post(f"{path}/note", {"text": PAYLOADS[0] + PAYLOADS[8]}, token_from=path)
    coord.post(f"{path}/label", {"label": PAYLOADS[6][:60]}, token_from=path)
    coord.post(f"{path}/consent", {"giver": "victim", "obtained_by": PAYLOADS[1],
                                   "obtained_day": "2026-01-01", "channel": PAYLOADS[9][:150],
                                   "risks_explained": "y"}, token_from=path)
    case = coord.post("/cases/", {"title": PAYLOADS[5], "kind": "individual"},
                      token_from="/cases/").headers["Location"]
    coord.post(f"{case}/person", {"name": PAYLOADS[1], "notes": PAYLOADS[4]},
               token_from=case)
    coord.post(f"{case}/link", {"report_id": report_id}, token_from=case)
    return case


def _assert_inert(page) -> None:
    assert page.evaluate("() => window.__xss === undefined")
    assert page.locator("script").count() == 0
    assert page.locator("iframe, object, embed, svg circle").count() == 0
    assert page.locator("img[src^='x'], img[onerror]").count() == 0
    hrefs = page.evaluate("() => Array.from(document.links).map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if not h.startswith("/") and h != "#main"], hrefs


@pytest.mark.browser
def test_hostile_content_renders_inert(rv, browser, live_server):
    report = _hostile_report(rv)
    case_path = _annotate(rv, report.report_id)
    with live_server(rv.app) as base:
        context = browser.new_context()
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        requests_out: list[str] = []
        page.on("request", lambda request: requests_out.append(request.url))
        page.goto(f"{base}/login")
        page.fill("#username", "vera")
        page.fill("#password", PASSWORD)
        page.fill("#totp", rv.totp("vera"))
        page.click("button[type=submit]")
        page.goto(f"{base}/key/unlock")
        page.fill("#passphrase", PASSPHRASE)
        page.click("main button[type=submit]")
        for path in (f"/reports/{report.report_id}", "/inbox/", "/cases/", case_path):
            page.goto(f"{base}{path}")
            assert page.url.startswith(base), page.url
            _assert_inert(page)
        page.goto(f"{base}/reports/{report.report_id}")
        assert "&lt;script&gt;window.__xss=1" in page.content()
        shown = page.inner_text("main")
        assert "{{7*7}}" in shown  # template syntax is text, never evaluated
        assert "<img src=x onerror=" in shown
        assert page.locator("bdi").count() > len(PAYLOADS)
        assert dialogs == []
        assert all(url.startswith(base) for url in requests_out), requests_out
        context.close()
