"""A host without the CJK font: the package still goes out, and the transmission page says
plainly which script its PDF could not render and that the JSON is authoritative."""

from __future__ import annotations

import dataclasses
import re

import pytest

from reviewer.unworkflow import pdf as pdf_module
from reviewer.unworkflow.pdf_fonts import installed_fonts

from .conftest import PASSPHRASE, UnWorld, report_fields

TID = re.compile(r'data-transmission="([0-9a-f-]{36})"')


def test_page_names_the_script_the_pdf_could_not_render(un_world: UnWorld,
                                                         monkeypatch: pytest.MonkeyPatch):
    without_cjk = dataclasses.replace(installed_fonts(), cjk=None)
    monkeypatch.setattr(pdf_module, "installed_fonts", lambda: without_cjk)
    world = un_world.world
    coord, vera = world.reviewer("coord"), world.reviewer("vera")
    year = un_world.set_cycle(coord)
    fields = report_fields()
    fields["situation"] = {**fields["situation"], "narrative": "他在日内瓦发言后被拘留。"}
    rid = world.submit(fields).report_id
    UnWorld.verify(vera, rid)
    page = f"/transmissions/{rid}"
    drafted = vera.post(f"{page}/draft", {
        "destination": "ohchr-demo", "use": "confidential", "cycle": str(year),
        "summary_lang": "fr", "approver": coord.key_id,
        "summary": "Défenseur arrêté après son intervention à Genève."}, token_from=page)
    assert drafted.status_code == 302
    (tid,) = set(TID.findall(coord.page(page)))
    approved = coord.post(f"{page}/{tid}/approve", {"passphrase": PASSPHRASE}, token_from=page)
    assert approved.status_code == 302
    shown = coord.page(page)
    assert "could not render some text (Chinese (Han characters))" in shown
    assert "The JSON in the package is the authoritative record." in shown
    french = coord.page(f"{page}?lang=fr")
    assert "Chinois (caractères han)" in french
    assert "Le JSON du paquet fait foi." in french
