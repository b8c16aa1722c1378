"""Why the case base could not be asked for k, named from the error's stable reason in the
reader's language (reviewer/outbox_messages.py), never parsed back out of English text."""

from __future__ import annotations

import pytest
from flask import Flask

from haven.i18n import init_i18n
from reviewer.outbox_messages import anonymity_error
from reviewer.release.errors import AnonymityUnavailable, ReleaseKeyMissing


@pytest.fixture
def french():
    app = Flask(__name__)
    init_i18n(app)
    with app.test_request_context("/?lang=fr"):
        yield


def test_each_reason_is_a_sentence_of_the_readers_language(french):
    no_token = anonymity_error(AnonymityUnavailable("x", reason="no_token",
                                                    path="/var/lib/<token>"))
    assert "<code>/var/lib/&lt;token&gt;</code>" in no_token  # the path escaped, as code
    assert "<code>haven casebase token</code>" in no_token
    assert "API" in no_token
    assert "No case base" not in no_token
    unreachable = anonymity_error(AnonymityUnavailable("x", reason="unreachable",
                                                       error="ConnectTimeout"))
    assert "ConnectTimeout" in unreachable
    assert "could not be reached" not in unreachable
    refused = anonymity_error(AnonymityUnavailable("x", reason="refused", status="503"))
    assert "503" in refused
    assert "answered with HTTP" not in refused
    shape = anonymity_error(AnonymityUnavailable("x", reason="unknown_shape"))
    assert shape
    assert "does not read" not in shape


def test_another_release_error_is_shown_as_it_is(french):
    assert anonymity_error(ReleaseKeyMissing("no release key here")) == "no release key here"
