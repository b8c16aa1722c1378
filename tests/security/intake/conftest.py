"""The intake's security tests reuse the functional fixtures (a real instance and app)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "intake_security_support", Path(__file__).parents[2] / "functional/intake/conftest.py")
support = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = support  # dataclasses look their module up while loading
_spec.loader.exec_module(support)

intake_instance = support.intake_instance
intake_app = support.intake_app
intake_client = support.intake_client
intake_kit = support.intake_kit
rows = support.rows
