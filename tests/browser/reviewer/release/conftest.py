"""The release world of tests/functional/reviewer/release/conftest.py, with the reviewer
app served too, for Chromium. That conftest is loaded by path (pytest runs with
``--import-mode=importlib``, so test folders are not packages)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_WORLD = Path(__file__).parents[3] / "functional" / "reviewer" / "release" / "conftest.py"
_spec = importlib.util.spec_from_file_location("haven_release_world", _WORLD)
if _spec is None or _spec.loader is None:
    raise ImportError(f"cannot load {_WORLD}")
world_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = world_module  # dataclasses look their module up there
_spec.loader.exec_module(world_module)


@pytest.fixture
def served_release_world(tmp_path, database_url, live_server):
    with world_module.build_world(tmp_path, database_url, live_server,
                                  serve_reviewer=True) as world:
        yield world
