"""The JS path end to end in Chromium: canaries typed into the form and a canary file never
appear in a request body, a database row, a blob or a log line; the reviewer side opens the
report and recovers them exactly; the browser keeps nothing afterwards."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.browser

CANARY_TEXT = "CANARY-narrative-7f3a9c"
CANARY_NAME = "CANARY-name-51be02"
CANARY_FILE = b"CANARY-file-bytes-e41d77 " * 40


SECTIONS = ("danger", "un_link", "person", "identity", "incidents", "situation", "remedies",
            "risk", "evidence", "consent", "next")


def fill_and_send(page, base_url, tmp_path, typed: dict | None = None):
    """Type a distinct canary into every text field of every page, as a reporter would."""
    typed = {} if typed is None else typed
    page.goto(f"{base_url}/report")
    for section in SECTIONS:
        step(page, section)
        fields = page.locator(f"#page-{section} input[type=text]:visible, "
                              f"#page-{section} textarea:visible")
        for index in range(fields.count()):
            field = fields.nth(index)
            name = field.get_attribute("name")
            value = {"situation.narrative": CANARY_TEXT, "identity.real_name": CANARY_NAME}.get(
                name, f"CANARY-{name}-{index}")
            field.fill(value)
            typed[name] = value
        if section == "un_link":
            page.locator("input[name='un_link.linked'][value='yes']").check()
        if section == "evidence":
            evidence = tmp_path / "CANARY-evidence.txt"
            evidence.write_bytes(CANARY_FILE)
            page.set_input_files("#evidence-files", str(evidence))
        if section == "consent":
            page.locator("input[name='consent.giver'][value='victim']").check()
            page.locator("input[name='consent.scopes'][value='contact']").check()
    step(page, "send")
    page.click("#send-button")
    page.locator("#receipt-value").wait_for(state="visible", timeout=90_000)
    return page.locator("#receipt-value").inner_text()


def expected_value(fields: dict, name: str):
    """Where the form puts a typed value in the fields object (form-fields.js)."""
    parts = name.split(".")
    if parts[0] == "consent":
        key = {"risks_explained_how": "how"}.get(parts[1], parts[1])
        return fields["consent"][key]
    if len(parts) == 3:
        return fields[parts[0]][int(parts[1])][parts[2]]
    value = fields[parts[0]][parts[1]]
    return value[0] if isinstance(value, list) else value


def step(page, section: str) -> None:
    page.click(f".progress a[href='#page-{section}']")
    page.locator(f"#page-{section}").wait_for(state="visible")


def test_canaries_never_leave_the_browser_in_clear(browser, intake_site, tmp_path, caplog):
    base_url, instance = intake_site
    caplog.set_level(logging.DEBUG)
    context = browser.new_context()
    page = context.new_page()
    bodies, hosts = [], set()
    page.on("request", lambda request: (bodies.append(request.post_data_buffer or b""),
                                        hosts.add(request.url.split("/")[2])))
    typed: dict = {}
    receipt = fill_and_send(page, base_url, tmp_path, typed)
    assert len(typed) >= 20, sorted(typed)  # every text field of every page got a canary
    canaries = [value.encode() for value in typed.values()]
    assert receipt.startswith("1 ")
    assert len(receipt.split()) == 9

    for body in bodies:
        for canary in (*canaries, CANARY_FILE[:24]):
            assert canary not in body
    assert hosts == {base_url.split("/")[2]}, "every request goes to the intake origin"
    for record in caplog.records:
        line = record.getMessage()
        for secret in (*typed.values(), "127.0.0.1"):
            assert secret not in line

    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT envelope FROM reports")).all()
        assert len(rows) == 1
        for table in ("reports", "blobs", "stanzas"):
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")).all():  # noqa: S608
                dump = repr(tuple(row)).encode()
                for canary in canaries:
                    assert canary not in dump
    for blob in instance.config.blob_dir.rglob("*"):
        if blob.is_file():
            data = blob.read_bytes()
            for canary in (*canaries, CANARY_FILE[:24]):
                assert canary not in data

    opened = open_as_reviewer(instance, rows[0][0])
    for name, value in typed.items():
        assert expected_value(opened["fields"], name) == value, name
    assert opened["file"] == CANARY_FILE

    state = context.storage_state(indexed_db=True)
    assert state["cookies"] == []
    assert all(not origin.get("localStorage") and not origin.get("indexedDB")
               for origin in state["origins"])
    context.close()


def open_as_reviewer(instance, envelope: bytes) -> dict:
    """The reviewer side's decryption (vault.open), here in the test, never in the intake."""
    import json

    from vault import open as vault_open
    from vault.blobs import backend_for

    bundle_doc = json.loads(instance.config.bundle_path.read_text())
    key_id, pair = next(iter(instance.reviewers.items()))
    report = vault_open.open_report(envelope, key_id, pair.x25519_sk,
                                    _verified(bundle_doc, instance.fingerprint))
    backend = backend_for(instance.config.blob_dir)
    entry = report.attachments[0]
    data = b"".join(vault_open.open_attachment(entry, backend.open))
    return {"fields": report.fields, "file": data}


def _verified(doc, fingerprint):
    from vault.bundle import verify_bundle
    from vault.canonical import utc_day

    return verify_bundle(doc, fingerprint, today=utc_day(), min_serial=1)


def test_nothing_finer_than_the_day_is_stored(browser, intake_site, tmp_path):
    """No time-of-day column in the vault tables the intake writes; files dated at 00:00 UTC."""
    base_url, instance = intake_site
    context = browser.new_context()
    fill_and_send(context.new_page(), base_url, tmp_path)
    context.close()
    engine = sa.create_engine(instance.config.database_url)
    inspector = sa.inspect(engine)
    for table in ("reports", "stanzas", "blobs", "events", "upload_sessions"):
        for column in inspector.get_columns(table):
            assert not isinstance(column["type"], (sa.DateTime, sa.Time)), (table, column)
    with engine.connect() as conn:
        for table, column in (("reports", "day"), ("blobs", "day")):
            for (value,) in conn.execute(sa.text(f"SELECT {column} FROM {table}")):  # noqa: S608
                assert len(str(value)) == len("2026-01-01")
    engine.dispose()
    stored = [p for p in instance.config.blob_dir.rglob("*") if p.is_file()]
    assert stored
    for path in stored:
        assert int(path.stat().st_mtime) % 86400 == 0, path
