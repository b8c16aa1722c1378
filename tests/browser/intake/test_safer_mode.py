"""The JS path where wasm and JIT are off (Tor Browser "Safer"): the same report goes
through with WebAssembly deleted from the page (Web Workers keep theirs: the init script
does not reach them), and in Chromium with --jitless, where no context has wasm — the full
"Safer" case. Measured on the CI machine: argon2id about 10 s without wasm and about 47 s
with JIT off (threat-model.md records the figures); no timing is asserted here."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NO_WASM = "delete window.WebAssembly; delete self.WebAssembly;"


def _send_report(page, base_url, tmp_path):
    page.goto(f"{base_url}/report")
    page.click(".progress a[href='#page-un_link']")
    page.check("input[name='un_link.linked'][value='dont_know']")
    page.click(".progress a[href='#page-situation']")
    page.fill("#situation-narrative", "Sent in Safer mode.")
    page.click(".progress a[href='#page-evidence']")
    evidence = tmp_path / "note.txt"
    evidence.write_bytes(b"evidence " * 20_000)
    page.set_input_files("#evidence-files", str(evidence))
    page.click(".progress a[href='#page-consent']")
    page.check("input[name='consent.giver'][value='guardian']")
    page.click(".progress a[href='#page-send']")
    page.click("#send-button")
    page.locator("#receipt-value").wait_for(state="visible", timeout=300_000)


def _check_stored(instance, kit):
    import sqlalchemy as sa

    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        envelope = conn.execute(sa.text("SELECT envelope FROM reports")).scalar_one()
    engine.dispose()
    opened = kit.open_report(instance, envelope)
    assert opened.fields["situation"]["narrative"] == "Sent in Safer mode."
    assert opened.attachments[0].size == len(b"evidence " * 20_000)


def test_report_without_webassembly(browser, intake_site, intake_kit, tmp_path):
    base_url, instance = intake_site
    context = browser.new_context()
    context.add_init_script(NO_WASM)
    page = context.new_page()
    page.goto(f"{base_url}/report")
    assert page.evaluate("async () => (await HavenCrypto.ready()).backend") == "js"
    _send_report(page, base_url, tmp_path)
    _check_stored(instance, intake_kit)
    context.close()


@pytest.mark.slow
def test_report_with_jit_off(jitless_browser, intake_site, intake_kit, tmp_path):
    base_url, instance = intake_site
    context = jitless_browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/report")
    assert page.evaluate("async () => (await HavenCrypto.ready()).backend") == "js"
    _send_report(page, base_url, tmp_path)
    _check_stored(instance, intake_kit)
    context.close()
