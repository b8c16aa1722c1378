"""Audio recording as a full alternative to typing: recorded in the page (Chromium's fake
microphone here), played back from page memory, encrypted and sent as an attachment."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.browser


CHROMIUM = "/usr/bin/chromium"
FAKE_MEDIA = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
              "--disable-background-networking", "--disable-component-update",
              "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture(scope="module")
def microphone_browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=FAKE_MEDIA)
    yield browser
    browser.close()


def test_a_recorded_account_replaces_the_narrative(microphone_browser, intake_site, intake_kit):
    base_url, instance = intake_site
    context = microphone_browser.new_context()
    context.grant_permissions(["microphone"], origin=base_url)
    page = context.new_page()
    page.goto(f"{base_url}/report")
    page.click(".progress a[href='#page-un_link']")
    page.check("input[name='un_link.linked'][value='yes']")
    page.click(".progress a[href='#page-situation']")
    page.click("#record-start")
    page.locator("#record-status").filter(has_text="Recording").wait_for(timeout=30_000)
    page.locator("#record-stop").wait_for(state="visible")
    page.click("#record-stop")
    page.locator("#record-status").filter(has_text="Recorded").wait_for(timeout=30_000)
    assert page.locator("#record-playback").get_attribute("src").startswith("blob:")
    page.click(".progress a[href='#page-consent']")
    page.check("input[name='consent.giver'][value='victim']")
    page.click(".progress a[href='#page-send']")
    page.click("#send-button")
    page.locator("#receipt-value").wait_for(state="visible", timeout=60_000)
    context.close()
    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        envelope = conn.execute(sa.text("SELECT envelope FROM reports")).scalar_one()
    engine.dispose()
    opened = intake_kit.open_report(instance, envelope)
    assert "narrative" not in opened.fields.get("situation", {})
    (recording,) = opened.attachments
    assert recording.name == "recording.webm"
    assert recording.type.startswith("audio/")
    assert recording.size > 0
