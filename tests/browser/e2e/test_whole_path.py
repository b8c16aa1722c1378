"""What people do after `make run`, in Chromium, through the real pages of the four apps.

A reporter fills in the intake form with JavaScript on, attaches a file and watches it upload,
solves the proof of work, writes down and re-types part of the receipt. A verifier signs in
at the reviewer app (password + TOTP), unlocks the key, opens the report, verifies it and
replies. The reporter comes back with the receipt, reads the status and the reply from a
verified reviewer, and withdraws one consent scope; the verifier sees that withdrawal on the
report. The verifier drafts a release through the do-no-harm gate, a coordinator approves
it, and the record appears on the case base's public pages.
"""

from __future__ import annotations

import os
import random
import re

import pyotp
import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.browser

CANARY = "CANARY-7f3e-Nadia-Haddad"
NARRATIVE = (f"{CANARY} was questioned at the airport for four hours about her testimony "
             "to the Human Rights Council, and her passport was taken.")
FILE_NAME = "airport-summons-canary.pdf"
FILE_MARKER = b"FILE-CANARY-5d1c"
REPLY = "Thank you. We verified your report and will follow up with you here."
TITLE = "Travel ban after cooperation with the Human Rights Council"


def test_report_review_reply_withdraw_release(browser, haven_site, tmp_path):
    site = haven_site
    # k (with its margin and l-diversity of acts) is computed over the merged case base.
    site.world.seed_matching(6, random.Random(7))
    site.world.seed_matching(1, random.Random(8), acts=["threats"])
    attachment = tmp_path / FILE_NAME
    attachment.write_bytes(FILE_MARKER + os.urandom(300_000) + FILE_MARKER)

    reporter = browser.new_context()
    bodies: list[bytes] = []
    reporter.on("request", lambda r: bodies.append(r.post_data_buffer or b""))
    receipt = _report(reporter.new_page(), site.intake_url, attachment)
    _assert_no_plaintext_at_rest(site)

    vera = _sign_in(browser, site, "vera")
    report_id = _find_in_inbox(vera, site.reviewer_url)
    _verify_and_reply(vera, site.reviewer_url, report_id)

    inbox = reporter.new_page()
    _open_inbox(inbox, site.intake_url, receipt)
    replies = inbox.locator("#inbox-replies").inner_text()
    assert REPLY in replies
    assert "verified reviewer (reviewer)" in replies
    assert inbox.locator("#inbox-status").inner_text() == "Status: verified"
    _withdraw_scope(inbox, "aggregate_statistics")
    sent = b"".join(bodies)
    assert len(sent) > 300_000  # the attachment went up, encrypted
    for needle in (CANARY, FILE_NAME, "FILE-CANARY", receipt.split()[1], "aggregate_stat"):
        assert needle.encode() not in sent, needle  # the browser sent ciphertext only

    vera.goto(f"{site.reviewer_url}/reports/{report_id}")
    alert = vera.locator(".withdrawal[role=alert]")
    assert alert.inner_text().startswith(
        "The reporter WITHDREW consent for: May be counted in anonymous statistics")
    consent = vera.locator("section[aria-labelledby=events]").inner_text()
    assert ("Consent now: An anonymized record may enter the shared case base "
            "(The person targeted gave consent)") in consent

    record_id, coord = _release(browser, vera, site, report_id)
    public = browser.new_context(java_script_enabled=False)
    _check_casebase(public.new_page(), site.casebase_url, record_id)
    for context in (reporter, vera.context, coord.context, public):
        context.close()


def _report(page, intake_url: str, attachment) -> str:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{intake_url}/report")
    assert re.fullmatch(r"Step 1 of \d+", page.locator("#progress-text").inner_text())
    _next(page, "danger")
    page.check("input[name='un_link.linked'][value='yes']")
    page.check("input[name='un_link.mechanisms'][value='hrc']")
    page.check("input[name='un_link.how'][value='testimony']")
    page.check("input[name='un_link.engagement'][value='actual']")
    page.fill("#un_link-references", "HRC 55th session")
    _next(page, "un_link")
    page.check("input[name='person.reporter'][value='self']")
    page.check("input[name='person.kind'][value='individual']")
    page.check("input[name='person.gender'][value='woman']")
    page.check("input[name='person.roles'][value='hrd']")
    page.fill("#person-country", "Bahrain")
    _next(page, "person")
    page.fill("#identity-real_name", CANARY)
    _next(page, "identity")
    page.fill("#incidents-0-date", "2023-04")
    page.check("input[name='incidents.0.acts'][value='travel_ban']")
    page.check("input[name='incidents.0.perpetrator_kind'][value='state']")
    page.check("input[name='incidents.0.perpetrators'][value='immigration']")
    page.click(".progress a[href='#page-situation']")
    page.fill("#situation-narrative", NARRATIVE)
    page.click(".progress a[href='#page-evidence']")
    page.set_input_files("#evidence-files", str(attachment))
    page.click(".progress a[href='#page-consent']")
    page.check("input[name='consent.giver'][value='victim']")
    page.check("input[name='consent.risks_explained'][value='yes']")
    for scope in ("casebase_anonymized", "aggregate_statistics"):
        page.check(f"input[name='consent.scopes'][value='{scope}']")
    page.click(".progress a[href='#page-send']")
    _record_upload_progress(page)
    page.click("#send-button")
    page.locator("#receipt-value").wait_for(state="visible", timeout=60_000)
    labels = page.evaluate("window.__uploadLabels")
    assert labels[-1] == f"Sending {FILE_NAME}: 100%", labels
    assert len(labels) > 2  # encryption and each chunk moved the bar
    receipt = page.locator("#receipt-value").inner_text()
    assert re.fullmatch(r"1( [a-z]+){8}", receipt), receipt
    _confirm_receipt(page, receipt)
    assert errors == []
    return receipt


def _next(page, current: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"#page-{current} .next").click()


def _record_upload_progress(page) -> None:  # type: ignore[no-untyped-def]
    """Keep every text the upload bar's label shows (the form is removed once sent)."""
    page.evaluate("""() => {
        window.__uploadLabels = [];
        const box = document.getElementById("upload-progress");
        new MutationObserver(() => {
            const label = box.querySelector(".upload-row label");
            const text = label && label.textContent;
            const seen = window.__uploadLabels;
            if (text && seen[seen.length - 1] !== text) seen.push(text);
        }).observe(box, {subtree: true, childList: true, characterData: true});
    }""")


def _confirm_receipt(page, receipt: str) -> None:  # type: ignore[no-untyped-def]
    prompt = page.locator("#receipt-check-label").inner_text()
    group = int(re.search(r"group (\d+)", prompt).group(1))
    assert page.locator("#receipt-done").is_hidden()
    page.fill("#receipt-check-input", "wrong")
    page.click("#receipt-check button[type=submit]")
    assert page.locator("#receipt-done").is_hidden()
    page.fill("#receipt-check-input", receipt.split()[group])
    page.click("#receipt-check button[type=submit]")
    assert page.locator("#receipt-check-result").inner_text() == "Correct."
    assert page.locator("#receipt-done").is_visible()


def _assert_no_plaintext_at_rest(site) -> None:  # type: ignore[no-untyped-def]
    """What the intake wrote — every row of the vault database, every blob — is ciphertext."""
    engine = sa.create_engine(site.config.database_url)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    dumped = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                dumped.append(repr(tuple(row)).encode())
        reports = conn.execute(sa.text("SELECT count(*) FROM reports")).scalar_one()
    engine.dispose()
    assert reports == 1
    everything = b"\n".join(dumped)
    for blob in site.config.blob_dir.rglob("*"):
        if blob.is_file():
            everything += blob.read_bytes()
    assert len(everything) > 300_000  # the attachment's ciphertext is there
    for needle in (CANARY, "questioned at the airport", FILE_NAME, "FILE-CANARY"):
        assert needle.encode() not in everything, needle


def _sign_in(browser, site, username: str):  # type: ignore[no-untyped-def]
    # The current code: still inside the accepted window if a 30 s step ends meanwhile.
    page = browser.new_context().new_page()
    code = pyotp.TOTP(site.totp_secret(username)).now()
    page.goto(f"{site.reviewer_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", site.password)
    page.fill("input[name=totp]", code)
    page.click("button[type=submit]")
    page.goto(f"{site.reviewer_url}/key/unlock")
    page.fill("input[name=passphrase]", site.passphrase)
    page.click("main button[type=submit]")
    assert "/login" not in page.url, "signed in"
    assert "/key/" not in page.url, "key unlocked"
    return page


def _find_in_inbox(page, reviewer_url: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{reviewer_url}/inbox/")
    links = page.locator("main table a[href^='/reports/']")
    assert links.count() == 1
    report_id = links.first.get_attribute("href").rsplit("/", 1)[1]
    links.first.click()
    assert CANARY in page.locator("p.narrative").inner_text()
    files = page.locator("section[aria-labelledby=files]").inner_text()
    assert FILE_NAME in files
    assert "All checks passed" in page.locator("section[aria-labelledby=checks]").inner_text()
    return report_id


def _verify_and_reply(page, reviewer_url: str, report_id: str) -> None:  # type: ignore[no-untyped-def]
    status = page.locator(f"form[action='/reports/{report_id}/status']")
    status.locator("select[name=status]").select_option("verified")
    status.locator("select[name=verification]").select_option("confirmed")
    status.locator("select[name=reliability]").select_option("high")
    status.locator("input[name=tell_reporter]").check()
    status.locator("button[type=submit]").click()
    assert "status: Verified · verification: Confirmed" in page.locator("main").inner_text()
    reply = page.locator(f"form[action='/reports/{report_id}/reply']")
    reply.locator("textarea[name=text]").fill(REPLY)
    reply.locator("button[type=submit]").click()
    sent = page.locator("section[aria-labelledby=reply] ol").inner_text()
    assert REPLY in sent


def _open_inbox(page, intake_url: str, receipt: str) -> None:  # type: ignore[no-untyped-def]
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{intake_url}/inbox")
    page.fill("#receipt", receipt)
    page.click("#receipt-form button[type=submit]")
    page.locator("#inbox").wait_for(state="visible", timeout=60_000)
    assert page.locator("#inbox-state").inner_text() == "Your report is active."


def _withdraw_scope(page, scope: str) -> None:  # type: ignore[no-untyped-def]
    form = page.locator("#consent-form")
    form.locator("input[name=given_by][value=victim]").check()
    form.locator(f"input[name='scope-{scope}'][value=withdraw]").check()
    form.locator("button[type=submit]").click()
    page.locator("#inbox-result").filter(has_text="Sent").wait_for(timeout=30_000)


def _release(browser, vera, site, report_id: str) -> str:  # type: ignore[no-untyped-def]
    base = site.reviewer_url
    vera.click("text=Release to the case base")
    vera.fill("#f-title", TITLE)
    vera.fill("#f-country", "BH")
    vera.fill("#f-year", "2023")
    vera.select_option("#f-gender", "woman")
    vera.select_option("#f-role", "hrd")
    vera.select_option("#f-acts", ["travel_ban"])
    vera.select_option("#f-perpetrators", ["immigration"])
    vera.select_option("#f-mechanisms", ["hrc"])
    vera.fill("#f-narrative", "A woman defender was prevented from travelling to Geneva.")
    vera.fill("#f-suspects", "80")
    vera.fill("#f-suspects-why", "Many defenders travelled to that session.")
    vera.select_option("#f-approver", label="coord")
    vera.click("text=Check with the gate and sign as drafter")
    verdict = vera.locator("#gate-verdict").inner_text()
    assert verdict == "All eight rules hold.", vera.locator("li[data-ok=no]").all_inner_texts()

    coord = _sign_in(browser, site, "coord")
    coord.goto(f"{base}/release/reports/{report_id}")
    coord.fill("#approve-pass", site.passphrase)
    coord.click("text=Approve, sign and send")
    sent = coord.locator("li[data-kind=release][data-status=sent]")
    assert sent.count() == 1
    return re.search(r"release (\S+) v1", sent.inner_text()).group(1), coord


def _check_casebase(page, casebase_url: str, record_id: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{casebase_url}/?q=Geneva")
    found = page.locator(f"li.case-item a[href$='/cases/{record_id}']")
    assert found.count() == 1  # found by full-text search among the other organisation's
    found.click()
    text = page.locator("main").inner_text()
    assert TITLE in text
    assert "prevented from travelling to Geneva" in text
    assert CANARY not in page.content()
