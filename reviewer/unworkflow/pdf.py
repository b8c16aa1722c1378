"""The package as a PDF, built in memory (fpdf2): plaintext never touches the disk.

fpdf2 is pure Python and maintained; it writes to a bytearray. Text is set in DejaVu Sans
when the system has it (Latin, Cyrillic, Greek...); otherwise in the core Helvetica font with
the text transliterated (anyascii) so the PDF still builds. The JSON beside it is the exact
record either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from anyascii import anyascii
from fpdf import FPDF

FONT_CANDIDATES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)
TITLES = {
    "victim": "Victim", "un_cooperation": "UN cooperation and references",
    "acts": "Acts, in order of events", "current_situation": "Current situation",
    "link_to_cooperation": "Why the acts are linked to the cooperation",
    "perpetrators": "Perpetrators", "domestic_remedies": "Domestic remedies",
    "prior_un_record": "Prior UN record", "consent": "Consent",
    "risk": "Risk and urgency", "confidentiality": "Confidentiality wishes",
    "verification": "Verification", "summary": "Summary",
}


class _Writer:
    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_creator("Haven")
        self.unicode = False
        for path in FONT_CANDIDATES:
            if path.is_file():
                self.pdf.add_font("body", "", str(path))
                self.unicode = True
                break
        self.pdf.add_page()

    def text(self, value: str) -> str:
        return value if self.unicode else anyascii(value)

    def font(self, size: int) -> None:
        self.pdf.set_font("body" if self.unicode else "helvetica", size=size)

    def line(self, value: str, size: int = 10) -> None:
        self.font(size)
        self.pdf.multi_cell(0, size * 0.55, self.text(value), new_x="LMARGIN", new_y="NEXT")


def _flat(value: Any, indent: str = "") -> list[str]:
    if isinstance(value, Mapping):
        lines = []
        for key, item in value.items():
            label = str(key).replace("_", " ")
            if isinstance(item, Mapping | list):
                lines.append(f"{indent}{label}:")
                lines.extend(_flat(item, indent + "    "))
            else:
                lines.append(f"{indent}{label}: {_scalar(item)}")
        return lines
    if isinstance(value, list):
        lines = []
        for number, item in enumerate(value, start=1):
            if isinstance(item, Mapping):
                lines.append(f"{indent}{number}.")
                lines.extend(_flat(item, indent + "    "))
            else:
                lines.append(f"{indent}- {_scalar(item)}")
        return lines
    return [f"{indent}{_scalar(value)}"]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def render_pdf(package: Mapping[str, Any]) -> bytes:
    writer = _writer_with_header(package)
    for key, title in TITLES.items():
        if key not in package:
            continue
        writer.pdf.ln(3)
        writer.line(title, 13)
        for line in _flat(package[key]):
            writer.line(line)
    return bytes(writer.pdf.output())


def _writer_with_header(package: Mapping[str, Any]) -> _Writer:
    writer = _Writer()
    writer.line("Confidential - transmission to the United Nations", 15)
    destination = package.get("destination") or {}
    writer.line(f"To: {destination.get('name', '')}   Use: {package.get('use', '')}   "
                f"Cycle: {package.get('cycle') or '-'}")
    writer.line(f"From: {package.get('submitting_organisation', '')}   Prepared: "
                f"{package.get('prepared_on', '')}   Reference: "
                f"{package.get('transmission_id', '')}")
    return writer
