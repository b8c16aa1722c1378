"""Browser flows: the inbox with a receipt (verified replies, a message, withdrawal), the
same form with JavaScript off, quick exit leaving no trace, and the served policy."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from vault.canonical import utc_day
from vault.events import ZERO_HASH

pytestmark = pytest.mark.browser

DOCUMENTED_CRYPTO_CSP = (
    "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; media-src blob:; "
    "default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def test_the_inbox_reads_a_verified_reply_sends_a_message_and_withdraws(
        browser, intake_site, intake_kit):
    base_url, instance = intake_site
    report_id, keys, receipt = intake_kit.submit_over_http(base_url, instance)
    intake_kit.reviewer_reply(instance, report_id, keys, seq=1, prev_hash=ZERO_HASH,
                              payload={"text": "We are verifying your report.",
                                       "day": utc_day()})
    context = browser.new_context()
    page = context.new_page()
    sent_bodies = []
    page.on("request", lambda r: sent_bodies.append(r.post_data_buffer or b""))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base_url}/inbox")
    page.fill("#receipt", receipt)
    page.click("#receipt-form button[type=submit]")
    page.locator("#inbox").wait_for(state="visible", timeout=60_000)
    replies = page.locator("#inbox-replies").inner_text()
    assert "We are verifying your report." in replies
    assert "verified reviewer" in replies
    page.fill("#message", "One more detail")
    page.click("#message-form button[type=submit]")
    page.locator("#inbox-result").filter(has_text="Sent").wait_for(timeout=30_000)
    page.set_input_files("#added-file", files=[{"name": "later.txt", "mimeType": "text/plain",
                                                "buffer": b"a file added later"}])
    page.click("#file-form button[type=submit]")
    page.locator("#inbox-result").filter(has_text="File sent").wait_for(timeout=60_000)
    page.click("#withdraw-all")
    page.locator("#inbox-state").filter(has_text="withdrew").wait_for(timeout=30_000)
    for body in sent_bodies:
        assert receipt.split()[1].encode() not in body  # the receipt never leaves the page
        assert b"One more detail" not in body
        assert b"a file added later" not in body
        assert b"later.txt" not in body
    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        state = conn.execute(sa.text("SELECT state FROM reports")).scalar_one()
        attached = conn.execute(sa.text("SELECT report_id FROM blobs")).scalar_one()
        sealed = [r[0] for r in conn.execute(sa.text(
            "SELECT sealed FROM events WHERE direction='from_reporter' ORDER BY seq"))]
    engine.dispose()
    assert state == "withdrawn"
    assert attached == report_id
    from vault import open as vault_open

    key_id, pair = next(iter(instance.reviewers.items()))
    events = vault_open.open_reporter_events(
        sealed, key_id, pair.x25519_sk, intake_kit.verified_bundle(instance),
        reporter_signing_pk=keys.signing_pk, report_id=report_id)
    assert [(e.type, e.payload.get("text")) for e in events] == [
        ("message", "One more detail"), ("file_added", None), ("withdrawal", None)]
    from vault.attachments import SealedAttachment, open_attachment
    from vault.blobs import backend_for

    entry = SealedAttachment.from_manifest(events[1].payload["attachments"][0])
    backend = backend_for(instance.config.blob_dir)
    assert (entry.name, entry.type) == ("later.txt", "text/plain")
    assert b"".join(open_attachment(entry, backend.open)) == b"a file added later"
    context.close()


def test_the_form_works_without_javascript(browser, intake_site, intake_kit):
    base_url, instance = intake_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/report")
    assert page.locator("#page-consent").is_visible()  # every page shows without JS
    page.check("input[name='un_link.linked'][value='yes']")
    page.fill("#situation-narrative", "Typed without JavaScript.")
    page.check("input[name='consent.giver'][value='victim']")
    page.click("#send-button")
    page.locator(".receipt-value").wait_for()
    assert page.locator(".receipt-value").inner_text().startswith("1 ")
    assert "encrypted on Haven's server" in page.content()
    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        envelope, server_sealed = conn.execute(
            sa.text("SELECT envelope, server_sealed FROM reports")).one()
    engine.dispose()
    assert server_sealed
    opened = intake_kit.open_report(instance, envelope)
    assert opened.fields["situation"]["narrative"] == "Typed without JavaScript."
    assert context.cookies() == []
    context.close()


def test_quick_exit_leaves_no_trace_and_no_way_back(browser, intake_site, neutral_site):
    base_url, _instance = intake_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{neutral_site}/before")
    page.goto(f"{base_url}/report")
    page.click(".progress a[href='#page-situation']")
    page.fill("#situation-narrative", "half-typed")
    page.click("#quick-exit")
    page.wait_for_url(f"{neutral_site}/")
    assert "Weather" in page.content()
    page.go_back()
    assert page.url == f"{neutral_site}/before"  # the report page is gone from history
    state = context.storage_state(indexed_db=True)
    assert state["cookies"] == []
    assert all(not o.get("localStorage") and not o.get("indexedDB") for o in state["origins"])
    context.close()


def test_the_served_policy_is_the_documented_one_and_crypto_runs_under_it(
        browser, intake_site):
    base_url, _instance = intake_site
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(f"{base_url}/report")
    assert response.headers["content-security-policy"] == DOCUMENTED_CRYPTO_CSP
    backend = page.evaluate("async () => (await HavenCrypto.ready()).backend")
    assert backend == "wasm"
    violated = page.evaluate("""() => new Promise(resolve => {
        document.addEventListener("securitypolicyviolation", e => resolve(e.violatedDirective));
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.appendChild(script);
        setTimeout(() => resolve(window.inlineRan ? "inline script ran" : "none"), 2000);
    })""")
    assert violated.startswith("script-src")
    context.close()


def test_the_page_refuses_to_encrypt_with_a_swapped_bundle(browser, intake_site):
    base_url, instance = intake_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/report")
    doc = json.loads(instance.config.bundle_path.read_text())
    doc["bundle"]["triage"] = doc["bundle"]["triage"][:1]  # a server dropping a reviewer
    page.route(f"{base_url}/bundle.json", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(doc)))
    page.click(".progress a[href='#page-un_link']")
    page.check("input[name='un_link.linked'][value='yes']")
    page.click(".progress a[href='#page-situation']")
    page.fill("#situation-narrative", "x")
    page.click(".progress a[href='#page-consent']")
    page.check("input[name='consent.giver'][value='victim']")
    page.click(".progress a[href='#page-send']")
    page.click("#send-button")
    page.locator("#send-error").filter(has_text="could not be verified").wait_for(timeout=30_000)
    assert page.locator("#receipt").is_hidden()
    context.close()


def test_danger_first_then_a_short_urgent_report(browser, intake_site, intake_kit):
    base_url, instance = intake_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/report")
    assert page.locator("#danger-help").is_hidden()
    page.check("input[name='danger.danger_now'][value='yes']")
    assert page.locator("#danger-help").is_visible()
    assert "Front Line Defenders" in page.locator("#danger-help").inner_text()
    page.click("#urgent-mode")
    assert page.locator(".progress li[data-step='person']").is_hidden()
    page.fill("#situation-narrative", "Detained an hour ago.")
    page.locator("#page-situation .next").click()
    page.check("input[name='consent.giver'][value='family']")
    page.click(".progress a[href='#page-send']")
    page.click("#send-button")
    page.locator("#receipt-value").wait_for(state="visible", timeout=60_000)
    context.close()
    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        envelope = conn.execute(sa.text("SELECT envelope FROM reports")).scalar_one()
    engine.dispose()
    fields = intake_kit.open_report(instance, envelope).fields
    assert fields["danger"] == {"danger_now": "yes"}
    assert "un_link" not in fields
    assert fields["consent"]["given_by"] == "family"
