"""Street addresses with a house number, one pattern family per language.

A street keyword alone (``rue``, ``calle``, ``улица``, ``شارع``, ``路``) is not enough: the
pattern needs a number too, so "the street outside the court" is left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reviewer.redact.model import Span
from reviewer.redact.text import LEFT_EDGE as LEFT
from reviewer.redact.text import RIGHT_EDGE as RIGHT
from reviewer.redact.text import fold

_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*"
_NUM = r"\d{1,5}[A-Za-z]?"
_UNIT_EN = r"(?:,?\s*(?:apt\.?|apartment|flat|unit|suite)\s*\d+\w?)?"

_EN_STREET = r"Street|St\.|Road|Rd\.|Avenue|Ave\.|Boulevard|Blvd\.|Lane|Drive|Square|Close|Court"
_FR_STREET = r"rue|avenue|av\.|boulevard|bd|place|allée|impasse|chemin|quai|route|cité"
_ES_STREET = r"calle|c/|avenida|av\.|avda\.|carrera|cra\.|paseo|plaza|pasaje|camino|jirón|jr\."
_RU_STREET = (
    r"ул\.|улиц[аеуы]|пр-т|пр\.|проспект[аеу]?|пер\.|переул(?:ок|ке|ка)|бульвар[аеу]?"
    r"|б-р|шоссе|пл\.|площад[ьи]|наб\.|набережн(?:ая|ой)|мкр\.?|микрорайон[аеу]?"
)
_RU_HOUSE = r"(?:,?\s*(?:д\.|дом[аеу]?)\s*\d+\w?|,\s*\d+\w?)"
_RU_UNIT = r"(?:,?\s*(?:кв\.|квартир[аеуы]|корп\.|корпус|стр\.)\s*\d+\w?)*"
_AR_WORD = r"[\u0621-\u064a\u0660-\u0669\u064b-\u065f]+"
_AR_STREET = r"شارع|طريق|ش\."
_ZH_CHAR = r"(?:(?![的在住于到从和与是了他她我们被把向家对将])[\u4e00-\u9fff])"

_PATTERNS = (
    # 12 Baker Street, apt 4 / 221B Old Kent Road
    rf"{LEFT}{_NUM}\s+(?:{_CAP}\s+){{1,4}}(?:{_EN_STREET}){RIGHT}{_UNIT_EN}",
    # Grid-named streets: KG 11 Ave, n° 23 (Kigali) / 5th Street No. 12
    rf"{LEFT}(?:[A-Z]{{2}}\s?)?\d{{1,4}}(?:st|nd|rd|th)?\s+(?:Ave|Avenue|St|Street|Rd|Road)\.?"
    rf"(?:,?\s*(?:n°|nº|no\.?|#)\s*\d+)?{RIGHT}",
    # 14 rue des Lilas / 3 bis, avenue Habib Bourguiba
    rf"(?i:{LEFT}{_NUM}(?:\s?(?:bis|ter))?,?\s+(?:{_FR_STREET})\s+)"
    rf"(?:(?:de|du|des|d'|la|le|l')\s*)*[\w'’\-]+(?:\s+(?:de\s+|du\s+)?{_CAP}){{0,3}}",
    # calle Mayor 14 / Avenida Bolívar n.º 23 / Carrera 7 # 45-12
    rf"(?i:{LEFT}(?:{_ES_STREET})\s+)(?:(?:de|del|la|los|las)\s+)*[\w'’.\-]+"
    rf"(?:\s+{_CAP}){{0,3}},?\s*(?:n\.?\s?[º°o]\.?\s*|#\s*|no\.?\s*)?\d{{1,5}}(?:\s*-\s*\d{{1,4}})?\w?{RIGHT}"
    rf"(?:,?\s*(?i:piso|dpto\.?|depto\.?|departamento|apto\.?|apartamento|casa|oficina)\s*\w{{1,4}}{RIGHT})*",
    # ул. Ленина, д. 5, кв. 12 / улица Садовая, 3
    rf"(?i:{LEFT}(?:{_RU_STREET}))\s*[\w.\-]+(?:\s+[\w.\-]+){{0,2}}?{_RU_HOUSE}{_RU_UNIT}",
    # شارع الجمهورية رقم 12 / 12 شارع النيل
    rf"{LEFT}(?:{_AR_STREET})\s+{_AR_WORD}(?:\s+{_AR_WORD}){{0,2}}?،?\s*(?:رقم|مبنى|عمارة|بناية)\s*\d+",
    rf"{LEFT}\d+\s*،?\s*(?:{_AR_STREET})\s+{_AR_WORD}(?:\s+{_AR_WORD})?",
    # 建国路88号 / 解放大街 12 号 3 单元
    rf"{_ZH_CHAR}{{1,8}}(?:路|街|大道|巷|胡同)\s*\d+\s*[号號](?:\s*\d+\s*(?:栋|幢|楼|单元|室|号楼))*",
)

_AR_STOP = re.compile(r"\s(?:في|من|على|إلى|الى|عن|مع|بعد|قبل|حيث|الذي|التي)(?:\s|$)")


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in _PATTERNS)


def find_addresses(text: str) -> list[Span]:
    spans = []
    for pattern in _compiled():
        for match in pattern.finditer(text):
            start, end = match.span()
            cut = _AR_STOP.search(text, start, end)
            if cut is not None:
                continue  # a preposition inside: the words run past the street name
            while end > start and text[end - 1] in ".,;:،":
                end -= 1
            surface = text[start:end]
            key = "ADDRESS:" + re.sub(r"\W+", " ", fold(surface)).strip()
            spans.append(Span(start, end, "ADDRESS", "pattern", 0.8, key))
    return spans
