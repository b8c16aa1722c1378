"""The export is encrypted and opens only with the destination's key."""

from __future__ import annotations

import io
import json

import pypdfium2
import pyrage
import pytest

from reviewer.unworkflow.errors import RecipientInvalid
from reviewer.unworkflow.pdf import render_pdf
from reviewer.unworkflow.sealing import open_package, parse_recipient, seal_package

PACKAGE = {"format": "haven-transmission/1", "transmission_id": "t-1",
           "destination": {"id": "ohchr-demo", "name": "OHCHR"}, "use": "confidential",
           "victim": {"identity": {"name": "Zahra Haddad"}, "nationality": "Bahraini"},
           "acts": [{"date": "2026-03-20", "acts": ["travel_ban"]}],
           "summary": {"lang": "es", "text": "Prohibición de viajar tras testificar."}}


def test_package_is_age_ciphertext_that_opens_with_the_recipient_identity():
    identity = pyrage.x25519.Identity.generate()
    sealed = seal_package(PACKAGE, str(identity.to_public()))
    assert sealed.ciphertext.startswith(b"age-encryption.org/v1")
    assert b"Zahra" not in sealed.ciphertext
    assert b"travel_ban" not in sealed.ciphertext
    members = open_package(sealed.ciphertext, str(identity))
    assert json.loads(members["package.json"]) == PACKAGE
    pdf = pypdfium2.PdfDocument(io.BytesIO(members["package.pdf"]))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Zahra Haddad" in text
    assert "Prohibición" in text


def test_another_identity_cannot_open_it():
    sealed = seal_package(PACKAGE, str(pyrage.x25519.Identity.generate().to_public()))
    with pytest.raises(pyrage.DecryptError):
        open_package(sealed.ciphertext, str(pyrage.x25519.Identity.generate()))


def test_bad_recipient_is_refused_with_a_named_error():
    with pytest.raises(RecipientInvalid):
        parse_recipient("age1notakey")
    with pytest.raises(RecipientInvalid):
        seal_package(PACKAGE, "-----BEGIN PGP PUBLIC KEY BLOCK-----")


def test_pdf_builds_for_scripts_outside_latin():
    pdf = render_pdf({**PACKAGE, "victim": {"identity": {"name": "زهراء حداد 李明"}}})
    assert pdf.startswith(b"%PDF")
