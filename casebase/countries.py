"""States a case can name, with their UN regional group (the "region" of the statistics).

Records carry ISO 3166-1 alpha-2 codes; names come from Babel's CLDR data so they are
translated with the interface. The five regional groups are those the General Assembly
and the Human Rights Council use, which is how the Secretary-General's reports read.
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import Mapping

from babel import Locale


def N_(text: str) -> str:  # noqa: N802 - marks a name for the catalogues, translated when shown
    return text


REGIONS: Mapping[str, str] = MappingProxyType(
    {
        "african": N_("African States"),
        "asia_pacific": N_("Asia-Pacific States"),
        "eastern_european": N_("Eastern European States"),
        "latin_american_caribbean": N_("Latin American and Caribbean States"),
        "western_european_other": N_("Western European and other States"),
    }
)

_GROUP_MEMBERS = {
    "african": "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE "
    "LS LR LY MG MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW",
    "asia_pacific": "AF BH BD BT BN KH CN CY FJ IN ID IR IQ JP JO KZ KI KW KG LA LB MY MV MH FM "
    "MN MM NR NP KP OM PK PW PG PH QA WS SA SG SB KR LK SY TJ TH TL TO TM TV AE UZ VU VN YE PS",
    "eastern_european": "AL AM AZ BY BA BG HR CZ EE GE HU LV LT ME MD MK PL RO RU RS SK SI UA",
    "latin_american_caribbean": "AG AR BS BB BZ BO BR CL CO CR CU DM DO EC SV GD GT GY HT HN "
    "JM MX NI PA PY PE KN LC VC SR TT UY VE",
    "western_european_other": "AD AT AU BE CA DK FI FR DE GR IS IE IL IT LI LU MT MC NL NZ NO "
    "PT SM ES SE CH TR GB US VA",
}

COUNTRY_REGION: Mapping[str, str] = MappingProxyType(
    {code: group for group, codes in _GROUP_MEMBERS.items() for code in codes.split()}
)
COUNTRY_CODES: tuple[str, ...] = tuple(sorted(COUNTRY_REGION))


@cache
def country_names(locale: str = "en") -> Mapping[str, str]:
    territories = Locale.parse(locale).territories
    return MappingProxyType({code: territories.get(code, code) for code in COUNTRY_CODES})


def country_name(code: str, locale: str = "en") -> str:
    return country_names(locale).get(code, code)


def code_for_name(name: str) -> str:
    """The code of an English country name (used to seed the published cases)."""
    wanted = name.strip().casefold()
    for code, english in country_names("en").items():
        if english.casefold() == wanted:
            return code
    raise KeyError(f"unknown country name {name!r}")
