"""The [intake] section: defaults that work, and clear errors for anything malformed."""

from __future__ import annotations

import pytest

from intake.config import IntakeConfig, intake_config_from_section
from intake.errors import IntakeConfigError


def test_defaults():
    config = intake_config_from_section({})
    assert config == IntakeConfig()
    assert config.max_file_bytes == 500 * 1024 * 1024
    assert {h.kind for h in config.helplines} == {"emergency", "digital"}


def test_helplines_are_configurable():
    config = intake_config_from_section({"helplines": [
        {"kind": "digital", "name": "Local line", "contact": "+1 555 0100", "note": "24/7"}]})
    assert [h.name for h in config.helplines] == ["Local line"]


@pytest.mark.parametrize(("section", "message"), [
    ({"pow_difficulty": -1}, "pow_difficulty"),
    ({"pow_difficulty": True}, "pow_difficulty"),
    ({"pow_max_difficulty": 40}, "at most 24"),
    ({"pow_difficulty": 20, "pow_max_difficulty": 18}, "must not exceed"),
    ({"pow_ttl_seconds": 10}, "at least 60"),
    ({"nojs_concurrency": 0}, "at least 1"),
    ({"behind_tls": "yes"}, "true or false"),
    ({"languages": "en"}, "list"),
    ({"helplines": [{"kind": "emergency", "name": "", "contact": "x"}]}, "name is required"),
    ({"helplines": [{"kind": "emergency", "name": "a", "contact": "b", "fax": "c"}]},
     "unknown key"),
    ({"colour": "blue"}, "unknown setting"),
    ({"nojs_max_attachment_bytes": 100, "nojs_max_form_bytes": 10}, "must not exceed"),
])
def test_bad_settings_are_named(section, message):
    with pytest.raises(IntakeConfigError, match=message):
        intake_config_from_section(section)
