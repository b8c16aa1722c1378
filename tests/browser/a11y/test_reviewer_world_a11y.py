"""axe on the reviewer pages that need the whole world behind them — a case base answering
the State brief, a report with an attachment, a key bundle to re-seal to — in English and
Arabic, with and without JavaScript."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
LANGUAGES = ("en", "ar")

_WORLD = Path(__file__).parents[2] / "functional" / "reviewer" / "release" / "conftest.py"
_spec = importlib.util.spec_from_file_location("a11y_release_world", _WORLD)
world_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = world_module  # dataclasses look their module up there
_spec.loader.exec_module(world_module)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _sign_in(page, base: str, world, username: str) -> None:  # type: ignore[no-untyped-def]
    account = next(a for a in world.created.accounts if a.username == username)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", world_module.PASSWORD)
    page.fill("input[name=totp]", world.totp.code(username, account.totp_secret))
    page.click("form button[type=submit]")
    page.goto(f"{base}/key/unlock")
    page.fill("input[name=passphrase]", world_module.PASSPHRASE)
    page.click("main form button[type=submit]")


def test_brief_epoch_and_original_file_pages_have_no_serious_violation(
        a11y_auditor, tmp_path, database_url, live_server, page_inventory):
    fields = {"form_version": 1, "person": {"kind": "individual", "country": "BH"},
              "incidents": [{"date": "2023-03", "acts": ["travel_ban"]}],
              "situation": {"narrative": "Stopped at the airport on the way to Geneva."}}
    with world_module.build_world(tmp_path, database_url, live_server) as world:
        report = world.submit(fields, files=(("photo.png", "image/png", _png()),))
        with a11y_auditor(world.reviewer_app) as auditor:
            for page in (auditor.js, auditor.nojs):
                _sign_in(page, auditor.base, world, "coord")
            auditor.js.goto(f"{auditor.base}/reports/{report.report_id}")
            raw = auditor.js.locator("a[href*='/raw']").first.get_attribute("href")
            assert raw
            for lang in LANGUAGES:
                for path in ("/cycle/brief/BH", "/key/epoch", raw.split("?", 1)[0]):
                    auditor.visit(f"{path}?lang={lang}")
            auditor.assert_audited(page_inventory.AUDITED["reviewer_world"])
            auditor.assert_clean()
