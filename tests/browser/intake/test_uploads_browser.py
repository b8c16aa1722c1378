"""Attachments in the browser: encrypted, uploaded chunk by chunk with a progress bar, and
resumed after a dropped connection; the layout holds at 360 px."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.browser


def test_an_upload_survives_a_dropped_connection(browser, intake_site, intake_kit, tmp_path):
    base_url, instance = intake_site
    context = browser.new_context()
    page = context.new_page()
    dropped = []

    def drop_once(route):
        if not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/uploads/*/chunks/2", drop_once)
    content = os.urandom(300_000)
    (tmp_path / "scan.pdf").write_bytes(content)
    page.goto(f"{base_url}/report")
    page.click(".progress a[href='#page-un_link']")
    page.check("input[name='un_link.linked'][value='yes']")
    page.click(".progress a[href='#page-situation']")
    page.fill("#situation-narrative", "With a file.")
    page.click(".progress a[href='#page-evidence']")
    page.set_input_files("#evidence-files", str(tmp_path / "scan.pdf"))
    page.click(".progress a[href='#page-consent']")
    page.check("input[name='consent.giver'][value='victim']")
    page.click(".progress a[href='#page-send']")
    page.click("#send-button")
    page.locator("#receipt-value").wait_for(state="visible", timeout=120_000)
    assert dropped, "the test must really have dropped a chunk"
    context.close()
    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        envelope = conn.execute(sa.text("SELECT envelope FROM reports")).scalar_one()
    engine.dispose()
    opened = intake_kit.open_report(instance, envelope)
    from vault import open as vault_open
    from vault.blobs import backend_for

    backend = backend_for(instance.config.blob_dir)
    data = b"".join(vault_open.open_attachment(opened.attachments[0], backend.open))
    assert data == content


def test_progress_is_shown_while_uploading(browser, intake_site, tmp_path):
    base_url, _instance = intake_site
    context = browser.new_context()
    page = context.new_page()
    (tmp_path / "video.mp4").write_bytes(os.urandom(2_000_000))
    page.goto(f"{base_url}/report")
    page.click(".progress a[href='#page-un_link']")
    page.check("input[name='un_link.linked'][value='no']")
    assert page.locator("#out-of-scope").is_visible()  # pointed elsewhere, may continue
    page.click(".progress a[href='#page-situation']")
    page.fill("#situation-narrative", "Progress.")
    page.click(".progress a[href='#page-evidence']")
    page.set_input_files("#evidence-files", str(tmp_path / "video.mp4"))
    page.click(".progress a[href='#page-consent']")
    page.check("input[name='consent.giver'][value='not_asked']")
    assert page.locator("input[value='un_confidential']").is_disabled()
    assert page.locator("input[value='contact']").is_enabled()
    page.click(".progress a[href='#page-send']")
    page.click("#send-button")
    page.locator("#upload-progress progress").wait_for(timeout=60_000)
    page.locator("#receipt-value").wait_for(state="visible", timeout=120_000)
    context.close()


def test_the_form_fits_a_360_pixel_screen(browser, intake_site):
    base_url, _instance = intake_site
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    for path in ("/", "/report", "/inbox", "/help"):
        page.goto(f"{base_url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    context.close()
