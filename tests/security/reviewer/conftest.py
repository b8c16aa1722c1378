"""Security tests reuse the functional fixtures (the real vault API on a free port)."""

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).parents[2] / "functional" / "reviewer" / "conftest.py"
_SPEC = importlib.util.spec_from_file_location("reviewer_functional_fixtures", _PATH)
assert _SPEC is not None
assert _SPEC.loader is not None
fixtures = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = fixtures
_SPEC.loader.exec_module(fixtures)

rv = fixtures.rv
