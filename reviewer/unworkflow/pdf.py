"""The package as a PDF, built in memory (fpdf2): plaintext never touches the disk.

fpdf2 is pure Python and maintained; it writes to a bytearray. Text is set in DejaVu Sans
(Latin, Cyrillic, Greek, Arabic) with a CJK font as fpdf2's fallback font for Chinese, and
shaped by HarfBuzz so Arabic is joined and laid out right to left, also inside an English
line (reviewer/unworkflow/pdf_fonts.py). Section titles and field labels are in the language
of the coordinator's summary, from Haven's catalogues. Where the host lacks a font, the
characters it cannot show are transliterated (anyascii) and ``RenderedPdf.unrendered_scripts``
names their scripts: the JSON beside the PDF is the exact record either way.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from babel.support import Translations
from fpdf import FPDF
from fpdf.output import OutputProducer

from haven.i18n import LANGUAGES, TRANSLATIONS_DIR
from reviewer.unworkflow.pdf_fonts import (
    Coverage,
    FontFiles,
    installed_fonts,
    is_rtl_paragraph,
    needs_shaping,
)


def N_(text: str) -> str:  # noqa: N802 - marks a label for the catalogues, translated when set
    return text


TITLES = {
    "victim": N_("Victim"), "un_cooperation": N_("UN cooperation and references"),
    "acts": N_("Acts, in order of events"), "current_situation": N_("Current situation"),
    "link_to_cooperation": N_("Why the acts are linked to the cooperation"),
    "perpetrators": N_("Perpetrators"), "domestic_remedies": N_("Domestic remedies"),
    "prior_un_record": N_("Prior UN record"), "consent": N_("Consent"),
    "risk": N_("Risk and urgency"), "confidentiality": N_("Confidentiality wishes"),
    "verification": N_("Verification"), "summary": N_("Summary"),
}
# The package's field names (reviewer/unworkflow/package.py) as labels; a field not listed
# is shown by its name.
FIELD_LABELS = {
    "kind": N_("Kind"), "gender": N_("Gender"), "age_band": N_("Age band"),
    "roles": N_("Roles"), "work": N_("Work"), "nationality": N_("Nationality"),
    "relatives_targeted": N_("Relatives targeted"),
    "name_to_publish": N_("Name to publish"), "location": N_("Location"),
    "city": N_("City"), "country": N_("Country"), "identity": N_("Identity (confidential)"),
    "name": N_("Name"), "linked": N_("Linked to UN cooperation"),
    "mechanisms": N_("UN bodies or mechanisms"), "official": N_("UN official"),
    "when": N_("When"), "how": N_("How"), "engagement": N_("Engagement"),
    "references": N_("UN references"), "date": N_("Date"), "place": N_("Place"),
    "acts": N_("Acts"), "perpetrator_kind": N_("Perpetrator kind"),
    "perpetrators": N_("Perpetrators"), "unit": N_("Unit"),
    "state_responsible": N_("State responsible"), "detention_place": N_("Place of detention"),
    "charges": N_("Charges"), "lawyer_access": N_("Access to a lawyer"),
    "travel_ban": N_("Travel ban"), "ongoing": N_("Ongoing"), "narrative": N_("Narrative"),
    "kinds": N_("Kinds"), "institutions": N_("Institutions"), "units": N_("Units"),
    "domestic_complaint": N_("Domestic complaint"),
    "domestic_outcome": N_("Outcome of the domestic complaint"),
    "raised_with_un": N_("Raised with the UN before"),
    "cited_sg_report": N_("Cited in an earlier SG report"),
    "sg_report_citations": N_("SG report citations"), "symbol": N_("Symbol"),
    "year": N_("Year"), "annex": N_("Annex"), "paragraph": N_("Paragraph"),
    "given_by": N_("Given by"), "scopes": N_("Scopes"),
    "named_or_anonymous": N_("Named or anonymous"), "risks_explained": N_("Risks explained"),
    "scope_days": N_("Day of consent per scope"),
    "risks_explained_when": N_("Risks explained on"),
    "risks_explained_how": N_("Risks explained how"), "danger_now": N_("In danger now"),
    "further_reprisal": N_("Risk of further reprisal"), "detained": N_("Detained"),
    "urgent_protection": N_("Urgent protection needed"),
    "urgent_appeal": N_("Urgent appeal requested"),
    "identity_in_confidence": N_("Identity in confidence"),
    "may_be_named_in_report": N_("May be named in the report"),
    "may_be_transmitted_to_state": N_("May be transmitted to the State"),
    "status": N_("Status"), "source_reliability": N_("Source reliability"),
    "lang": N_("Language"), "text": N_("Text"),
}
HEADING = N_("Confidential: transmission to the United Nations")
HEADER_LABELS = {"to": N_("To"), "use": N_("Use"), "cycle": N_("SG report year"),
                 "from": N_("From"), "prepared": N_("Prepared on"),
                 "reference": N_("Reference")}
YES, NO = N_("Yes"), N_("No")
SIZES = {"heading": 15, "title": 13, "body": 10}
# The /ID fpdf2 derives from the content and this date: fixed, so no exact time is in the
# file (S7) and the same package gives the same bytes.
FIXED_DATE = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    # Scripts the host's fonts could not show (transliterated in the PDF), e.g. ("Arabic",).
    unrendered_scripts: tuple[str, ...]


def translator(language: str) -> Callable[[str], str]:
    """gettext for ``language`` from Haven's catalogues; English (the msgids) otherwise."""
    if language not in LANGUAGES or language == "en":
        return str
    return Translations.load(str(TRANSLATIONS_DIR), [language]).gettext


class _CreatorOnlyOutput(OutputProducer):
    """The document information dictionary holds the creator ("Haven") and nothing else: no
    creation date (S7), no producer."""

    def _add_info(self):  # type: ignore[no-untyped-def]
        info = super()._add_info()
        info.creation_date = None
        return info


class _Writer:
    def __init__(self, fonts: FontFiles, translate: Callable[[str], str]) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_creator("Haven")
        self.pdf.set_creation_date(FIXED_DATE)
        self.translate = translate
        self.family = "helvetica"
        self.shaping = bool(fonts.body and fonts.shaping)
        if fonts.body:
            self.pdf.add_font("body", "", str(fonts.body))
            self.family = "body"
            if fonts.cjk:
                self.pdf.add_font("cjk", "", str(fonts.cjk))
                self.pdf.set_fallback_fonts(["cjk"])
            if self.shaping:
                self.pdf.set_text_shaping(True)
        self.coverage = Coverage(self._drawable)
        self.pdf.add_page()

    def _drawable(self, char: str) -> bool:
        if char.isspace():
            return True
        if self.family == "helvetica":  # core font: Latin-1 only
            return ord(char) < 256  # noqa: PLR2004
        if unicodedata.category(char) == "Cf":  # joiners, bidi marks: HarfBuzz's business
            return self.shaping
        if needs_shaping(char) and not self.shaping:
            return False  # unshaped Arabic is isolated letters in the wrong order
        return any(ord(char) in font.cmap for font in self.pdf.fonts.values()
                   if hasattr(font, "cmap"))

    def line(self, value: str, size: int = SIZES["body"]) -> None:
        text = self.coverage.text(value)
        self.pdf.set_font(self.family, size=size)
        self.pdf.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT",
                            align="R" if is_rtl_paragraph(text) else "L")

    def label(self, key: str) -> str:
        english = FIELD_LABELS.get(key)
        return self.translate(english) if english else key.replace("_", " ")

    def scalar(self, value: Any) -> str:
        if isinstance(value, bool):
            return self.translate(YES if value else NO)
        return "" if value is None else str(value)


def _flat(writer: _Writer, value: Any, indent: str = "") -> list[str]:
    if isinstance(value, Mapping):
        lines = []
        for key, item in value.items():
            label = writer.label(str(key))
            if isinstance(item, Mapping | list):
                lines.append(f"{indent}{label}:")
                lines.extend(_flat(writer, item, indent + "    "))
            else:
                lines.append(f"{indent}{label}: {writer.scalar(item)}")
        return lines
    if isinstance(value, list):
        lines = []
        for number, item in enumerate(value, start=1):
            if isinstance(item, Mapping):
                lines.append(f"{indent}{number}.")
                lines.extend(_flat(writer, item, indent + "    "))
            else:
                lines.append(f"{indent}- {writer.scalar(item)}")
        return lines
    return [f"{indent}{writer.scalar(value)}"]


def summary_language(package: Mapping[str, Any]) -> str:
    summary = package.get("summary")
    language = summary.get("lang") if isinstance(summary, Mapping) else None
    return str(language) if language in LANGUAGES else "en"


def build_pdf(package: Mapping[str, Any], fonts: FontFiles | None = None) -> RenderedPdf:
    """The package as a PDF, labelled in the summary's language, with the scripts the
    host's fonts could not show."""
    writer = _Writer(fonts or installed_fonts(), translator(summary_language(package)))
    _header(writer, package)
    for key, title in TITLES.items():
        if key not in package:
            continue
        writer.pdf.ln(3)
        writer.line(writer.translate(title), SIZES["title"])
        for line in _flat(writer, package[key]):
            writer.line(line)
    data = bytes(writer.pdf.output(output_producer_class=_CreatorOnlyOutput))
    return RenderedPdf(data, tuple(sorted(writer.coverage.unrendered)))


def render_pdf(package: Mapping[str, Any]) -> bytes:
    return build_pdf(package).data


def _header(writer: _Writer, package: Mapping[str, Any]) -> None:
    labels = {key: writer.translate(text) for key, text in HEADER_LABELS.items()}
    destination = package.get("destination") or {}
    writer.line(writer.translate(HEADING), SIZES["heading"])
    writer.line(f"{labels['to']}: {destination.get('name', '')}   {labels['use']}: "
                f"{package.get('use', '')}   {labels['cycle']}: {package.get('cycle') or '-'}")
    writer.line(f"{labels['from']}: {package.get('submitting_organisation', '')}   "
                f"{labels['prepared']}: {package.get('prepared_on', '')}   "
                f"{labels['reference']}: {package.get('transmission_id', '')}")
