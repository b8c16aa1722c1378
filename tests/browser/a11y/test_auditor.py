"""The audit itself: axe, as injected here, does report what it must (a test of the test)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

BROKEN = (b"<!doctype html><html><head><title>x</title></head><body><main>"
          b"<noscript><img src='/none.png'></noscript>"
          b"<form><input type='text' name='q'></form>"
          b"<p style='color:#bbb;background:#fff'>faint text</p></main></body></html>")


def broken_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [BROKEN]


def test_the_auditor_reports_violations_with_and_without_javascript(a11y_auditor):
    with a11y_auditor(broken_app) as auditor:
        auditor.visit("/")
        found = "\n".join(auditor.failures)
        assert any("[js]" in line and "label (critical)" in line for line in auditor.failures)
        # Only the script-less DOM shows the <noscript> image without a text alternative.
        image_alt = [line for line in auditor.failures if "image-alt (critical)" in line]
        assert image_alt
        assert all("[no js]" in line for line in image_alt)
        assert "color-contrast (serious)" in found
        assert "html-has-lang (serious)" in found
        with pytest.raises(AssertionError, match="serious or critical"):
            auditor.assert_clean()
