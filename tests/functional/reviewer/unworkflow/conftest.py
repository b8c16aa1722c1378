"""The release world (vault API, reviewer app, case base on loopback ports, an instance made
by ``haven.instance.create_instance``) with a demo OHCHR recipient, for the UN workflow.

The world module is tests/functional/reviewer/release/conftest.py, loaded by path (pytest
runs with ``--import-mode=importlib``). ``un_world`` adds the helpers this workflow needs.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reviewer.unworkflow.destinations import ensure_demo_recipient
from vault.canonical import utc_day

_WORLD = Path(__file__).parents[1] / "release" / "conftest.py"
_spec = importlib.util.spec_from_file_location("haven_release_world_un", _WORLD)
if _spec is None or _spec.loader is None:
    raise ImportError(f"cannot load {_WORLD}")
world_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = world_module
_spec.loader.exec_module(world_module)

PASSPHRASE = world_module.PASSPHRASE


def report_fields(giver: str = "victim", scopes: tuple[str, ...] = (
        "un_confidential", "un_report_anonymous", "casebase_anonymized")) -> dict[str, Any]:
    """A report with every OHCHR item, consenting (in the first envelope) to ``scopes``."""
    return {
        "form_version": 1,
        "un_link": {"linked": "yes", "mechanisms": ["hrc"], "when": "2023-03",
                    "engagement": "actual", "references": "HRC52, oral statement",
                    "reason": "Stopped on the way to the Council session."},
        "person": {"kind": "individual", "gender": "woman", "age_band": "30_49",
                   "roles": ["hrd"], "nationality": "Bahraini", "country": "BH",
                   "city": "Muharraq"},
        "identity": {"real_name": "Zahra Haddad"},
        "incidents": [{"date": "2023-03", "place": "Muharraq airport",
                       "acts": ["travel_ban"], "perpetrator_kind": "state",
                       "perpetrators": ["immigration"]}],
        "situation": {"narrative": "Zahra Haddad was stopped at Muharraq airport on her way "
                                   "to the Human Rights Council; officers took her passport.",
                      "ongoing": "yes"},
        "remedies": {"domestic_complaint": "no"},
        "consent": {"scopes": {s: "grant" for s in scopes}, "given_by": giver,
                    "day": utc_day(), "risks_explained": True},
    }


@dataclass
class UnWorld:
    world: Any
    recipient: str
    identity_path: Path

    def set_cycle(self, coord) -> int:  # type: ignore[no-untyped-def]
        """A reporting period around today (set in the app, as coordinators do)."""
        today = dt.date.fromisoformat(utc_day())
        end = today + dt.timedelta(days=200)
        answer = coord.post("/cycle/cycles", {
            "year": str(end.year), "label": "", "period_start": (
                today - dt.timedelta(days=100)).isoformat(),
            "period_end": end.isoformat(),
            "deadline": (end + dt.timedelta(days=30)).isoformat()}, token_from="/cycle/")
        assert answer.status_code == 302
        return end.year

    @staticmethod
    def verify(reviewer, report_id: str, *, un_link: bool = True) -> None:  # type: ignore[no-untyped-def]
        path = f"/reports/{report_id}"
        answer = reviewer.post(f"{path}/status", {
            "status": "verified", "verification": "likely", "reliability": "high",
            "comment": "two sources"}, token_from=path)
        assert answer.status_code == 302
        if un_link:
            answer = reviewer.post(f"{path}/checklist", {"un_link": "y"}, token_from=path)
            assert answer.status_code == 302


@pytest.fixture
def un_world(tmp_path, database_url, live_server):
    with world_module.build_world(tmp_path, database_url, live_server) as world:
        recipient, identity_path = ensure_demo_recipient(world.created.config.instance_dir)
        yield UnWorld(world, recipient, identity_path)
