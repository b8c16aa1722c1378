"""No report content, receipt material, passphrase or address in the reviewer app's logs
(S23), whichever logger wrote it."""

from __future__ import annotations

import logging

from vault.api.testkit import PASSPHRASE, PASSWORD

CANARY = "CANARY-narrative-7f3a"


def test_a_whole_review_leaves_no_content_in_logs(rv, caplog):
    caplog.set_level(logging.DEBUG)
    report = rv.submit({"narrative": CANARY, "identity": {"real_name": CANARY + "-name"}})
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    coord.page(path)
    coord.post(f"{path}/note", {"text": CANARY + "-note"}, token_from=path)
    coord.post(f"{path}/reply", {"text": CANARY + "-reply"}, token_from=path)
    coord.post(f"{path}/note", {"text": "x" * 30000}, token_from=path)  # a refused form
    coord.unlock("wrong " + CANARY)
    coord.post("/logout")
    every_line = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (CANARY, PASSWORD, PASSPHRASE):
        assert secret not in every_line, secret
    # Addresses: the reviewer's own loggers (urllib3 names the vault API's configured URL).
    ours = "\n".join(r.getMessage() for r in caplog.records
                     if not r.name.startswith(("werkzeug", "urllib3")))
    assert "127.0.0.1" not in ours
