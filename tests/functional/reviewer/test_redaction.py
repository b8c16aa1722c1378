"""Redacting a narrative: suggestions, a reviewer's decisions, versions as sealed records."""

from __future__ import annotations

import re

FIELDS = {"form_version": 1, "identity": {"real_name": "Amira Haddad"},
          "situation": {"narrative": "Amira Haddad was called on +41 79 123 45 67 by the "
                                     "police. Her colleague Karim saw it."}}


def test_suggest_decide_and_version(rv):
    report = rv.submit(FIELDS)
    vera = rv.driver("vera")
    path = f"/reports/{report.report_id}/redact"
    page = vera.page(path)
    assert "<mark" in page
    # The kind is shown by its label ("Person"); its id is in data-type.
    labels = re.findall(r'<label for="keep-(\d+)" data-type="(\w+)">\d+\. [^:<]+: '
                        r'«<bdi>([^<]*)</bdi>»', page)
    kinds = {text: kind for _i, kind, text in labels}
    assert kinds.get("Amira Haddad") == "PERSON"
    phone = next(i for i, kind, _t in labels if kind == "PHONE")
    person = next(i for i, _k, t in labels if t == "Amira Haddad")
    response = vera.client.post(path, data={
        "csrf_token": vera.csrf(path), "base": "0", "keep": [person],
        "mention": "Karim", "mention_type": "PERSON"})
    assert response.status_code == 302
    page = vera.page(path)
    assert "Current version 1 by vera" in page, re.findall(r"class=\"flash[^>]*>([^<]*)", page)
    preview = page.split("Redacted text", 1)[1]
    assert "[PERSON-1]" in preview
    assert "Amira Haddad" not in preview
    assert "Karim" not in preview
    assert "+41 79 123 45 67" in preview  # the reviewer rejected that suggestion
    again = re.findall(r'«<bdi>([^<]*)</bdi>»', page)
    assert "+41 79 123 45 67" not in again  # rejected suggestions are not offered again
    assert phone is not None

    stale = vera.client.post(path, data={"csrf_token": vera.csrf(path), "base": "0"})
    assert stale.status_code == 302
    assert "Another version was saved" in vera.page(path)
