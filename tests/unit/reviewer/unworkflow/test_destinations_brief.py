from __future__ import annotations

import json
import stat

import pyrage
import pytest

from reviewer.unworkflow.brief import build_brief, shown
from reviewer.unworkflow.destinations import (
    Destination,
    ensure_demo_recipient,
    load_destinations,
    save_destination,
)
from reviewer.unworkflow.errors import RecipientInvalid
from reviewer.unworkflow.sealing import open_package, seal_package


def test_demo_recipient_is_made_once_and_opens_what_is_sealed_to_it(tmp_path):
    recipient, identity_path = ensure_demo_recipient(tmp_path)
    assert recipient.startswith("age1")
    assert stat.S_IMODE(identity_path.stat().st_mode) == 0o600
    again, same_path = ensure_demo_recipient(tmp_path)
    assert (again, same_path) == (recipient, identity_path)
    (demo,) = load_destinations(tmp_path / "reviewer" / "transmission-recipients.json")
    assert demo.id == "ohchr-demo"
    assert demo.recipient_ok
    sealed = seal_package({"format": "haven-transmission/1"}, demo.recipient)
    opened = open_package(sealed.ciphertext, identity_path.read_text())
    assert json.loads(opened["package.json"]) == {"format": "haven-transmission/1"}


def test_a_bad_recipient_stays_listed_as_invalid_and_a_bad_file_is_an_error(tmp_path):
    path = tmp_path / "d.json"
    assert load_destinations(path) == []
    good = str(pyrage.x25519.Identity.generate().to_public())
    save_destination(path, Destination("sr-hrd", "SR on HRDs", "e-mail", good, True))
    save_destination(path, Destination("broken", "Broken", "", "age1nope", False))
    found = {d.id: d.recipient_ok for d in load_destinations(path)}
    assert found == {"sr-hrd": True, "broken": False}
    path.write_text("[1, 2]")
    with pytest.raises(RecipientInvalid):
        load_destinations(path)


def test_pattern_brief_counts_without_showing_small_cells():
    records = [{"year": 2025, "kind": "individual", "region": "asia_pacific",
                "acts": ["self_censorship"], "mechanisms": ["hrc"], "detained": True,
                "follow_up": [{"date": "2026-03", "event": "government_response"}]}
               for _ in range(6)]
    records.append({"year": 2026, "kind": "situation", "acts": ["surveillance_online"],
                    "mechanisms": ["upr"], "surveillance": True, "follow_up": []})
    stats = {"threshold": 5, "tables": [{"id": "2025/region", "year": 2025, "rows": [
        {"id": "asia_pacific", "cells": [12, None, 14]}, {"id": "other", "cells": [1]}]}]}
    brief = build_brief("BH", records, stats)
    assert brief.total == "7"
    assert brief.by_year == [(2025, "6", "0"), (2026, "fewer than 5", "6")]
    rows = dict(brief.rows)
    assert rows["self_censorship"] == "6"
    assert rows["situation"] == "fewer than 5"
    assert rows["group"] == "0"
    assert brief.regional == [(2025, [12, None, 14])]
    assert shown(3) == "fewer than 5"
