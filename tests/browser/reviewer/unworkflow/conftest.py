"""The release world served for Chromium (tests/functional/reviewer/release/conftest.py,
loaded by path) with the demo OHCHR recipient."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from reviewer.unworkflow.destinations import ensure_demo_recipient

_WORLD = Path(__file__).parents[3] / "functional" / "reviewer" / "release" / "conftest.py"
_spec = importlib.util.spec_from_file_location("haven_release_world_un_browser", _WORLD)
if _spec is None or _spec.loader is None:
    raise ImportError(f"cannot load {_WORLD}")
world_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = world_module
_spec.loader.exec_module(world_module)


@pytest.fixture
def served_un_world(tmp_path, database_url, live_server):
    with world_module.build_world(tmp_path, database_url, live_server,
                                  serve_reviewer=True) as world:
        _recipient, identity_path = ensure_demo_recipient(world.created.config.instance_dir)
        yield world, identity_path
