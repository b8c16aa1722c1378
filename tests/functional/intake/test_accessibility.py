"""Structural accessibility of every page: a language, one h1, a label for every control,
a legend for every fieldset, and every aria-describedby pointing at an element that exists."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

PAGES = ["/", "/report", "/inbox", "/help", "/protection", "/next"]


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.label_for: set[str] = set()
        self.controls: list[dict] = []
        self.described: list[str] = []
        self.fieldsets = 0
        self.legends = 0
        self.h1 = 0
        self.lang = ""
        self.in_label = 0
        self.in_template = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag == "h1":
            self.h1 += 1
        if tag == "label":
            self.in_label += 1
            if "for" in attributes:
                self.label_for.add(attributes["for"])
        if tag == "fieldset":
            self.fieldsets += 1
        if tag == "legend":
            self.legends += 1
        if tag in ("input", "textarea", "select") and attributes.get("type") != "hidden":
            self.controls.append({**attributes, "_wrapped": self.in_label > 0})
        if "aria-describedby" in attributes:
            self.described.extend(attributes["aria-describedby"].split())

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        if tag == "label" and not self.in_template:
            self.in_label -= 1


@pytest.mark.parametrize("path", PAGES)
def test_every_control_is_labelled_and_described(intake_client, path):
    outline = Outline()
    outline.feed(intake_client.get(path).get_data(as_text=True))
    assert outline.lang
    assert outline.h1 == 1
    assert outline.fieldsets == outline.legends
    for control in outline.controls:
        labelled = control["_wrapped"] or control.get("id") in outline.label_for
        assert labelled, control
    missing = [ref for ref in outline.described if ref not in outline.ids]
    assert not missing, missing
