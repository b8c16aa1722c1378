"""Named persons who are not in the structured fields: titles and person cue words.

Latin and Cyrillic: a capitalised name right after a title (Mr., Mme, Sr., г-н), a role
(judge, avocat, fiscal, следователь) or a kinship/naming cue (brother, nommé, llamado, по
имени), or written with initials (A. Petrov, И. И. Иванов). Arabic has no capitals: one to
three words after a title (السيد، المحامية، العقيد…) up to a function word. Chinese: a common
surname plus one or two characters before or after a title (王先生, 律师李明), and
transliterated names joined by a middle dot (伊力哈木·土赫提).

Each family is a Presidio PatternRecognizer (no NLP engine, no model); the results are then
trimmed of title words, articles and institution names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import Pattern, PatternRecognizer

from reviewer.redact.model import Span
from reviewer.redact.text import CJK_CLASS, LEFT_EDGE, loose_key

_LATIN_CUES = (
    r"Judge|Justice|Prosecutor|Colonel|Major|Captain|Corporal|Private|Brigadier|Constable"
    r"|Superintendent|Commissioner|Warden|Guard|Soldier|Sheriff"
    r"|Lieutenant|Sergeant|General|Officer|Inspector|Investigator|Detective|Agent"
    r"|Commander|Minister|Governor|Mayor|lawyer|attorney|journalist|activist|defender"
    r"|colleague|brother|sister|wife|husband|son|daughter|mother|father|cousin|nephew|niece"
    r"|uncle|aunt|friend|named|called"
    r"|Maître|maître|Docteur|Professeur|juge|procureure?|colonel|commandant|caporal|sergent"
    r"|adjudant|gendarme|brigadier|femme|enfant|voisine?|camarade"
    r"|capitaine|lieutenant|général|officier|inspecteur|commissaire|ministre|gouverneur|maire"
    r"|avocate?|journaliste|militante?|défenseure?|collègue|frère|sœur|soeur|épouse|mari|fils"
    r"|fille|mère|père|cousine?|neveu|nièce|oncle|tante|amie?|nommée?|appelée?|prénommée?"
    r"|licenciad[oa]|jueza?|fiscal|coronel|capitán|teniente|cabo|subcomisario|compañer[oa]"
    r"|mujer|vecin[oa]"
    r"|sargento|oficial|agente|comandante|ministra|gobernador|alcaldesa?|abogad[oa]|periodista"
    r"|activista|defensora?|colega|herman[oa]|espos[oa]|marido|hij[oa]|madre|padre|prim[oa]"
    r"|sobrin[oa]|tí[oa]|amig[oa]|llamad[oa]|comisario"
)
# Titles that may stand between a cue and the name: "her lawyer, Atty. Grace Villanueva".
_LATIN_TITLES = (
    r"Mr|Mrs|Ms|Miss|Dr|Atty|Hon|Rev|Fr|Prof|Col|Capt|Lt|Sgt|Gen|M|Mme|Mlle|Me|Pr|Sr|Sra|Srta"
    r"|Dra|Lic|don|doña"
)
_CYRILLIC_CUES = (
    r"г-н|г-жа|господин\w*|госпож\w*|следовател\w*|судь[яиейю]|прокурор\w*|полковник\w*"
    r"|подполковник\w*|начальник\w*|участков\w*|сержант\w*|старшин\w*|прапорщик\w*"
    r"|ефрейтор\w*|сосед\w*"
    r"|майор\w*|капитан\w*|лейтенант\w*|генерал\w*|офицер\w*|инспектор\w*"
    r"|оперуполномоченн\w*|сотрудник\w*|министр\w*|губернатор\w*|мэр\w*|адвокат\w*"
    r"|журналист\w*|активист\w*|правозащитни\w*|коллег\w*|брат\w*|сестр\w*|жен[аыеу]"
    r"|муж[аеу]?|сын\w*|доч\w*|мать|матери|отец|отца|отцу|племянни\w*|дяд\w*|т[её]т\w*"
    r"|друг|друга|другу|подруг\w*|по имени|по фамилии|зовут|некий|некая|некоего|некой"
    r"|назвал\w*|представил\w*|понят\w*"
)
_LATIN_NAME = r"(?:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’\-]+|[A-Z]\.)"
_LATIN_PARTICLE = r"(?:de|del|de la|da|dos|van|von|bin|ibn|al|el|le|la)"
_CYRILLIC_NAME = r"(?:[А-ЯЁ][а-яё\-]+|[А-ЯЁ]\.)"
_NOT_NAMES = frozenset(
    {
        "In", "On", "At", "The", "He", "She", "They", "We", "I", "It", "His", "Her", "Our",
        "Their", "This", "That", "Le", "La", "Les", "Il", "Elle", "Ils", "Un", "Une", "En",
        "Dans", "Au", "Aux", "El", "Los", "Las", "Lo", "Él", "Ella", "Una", "Он", "Она", "Они",
        "В", "На", "По", "Его", "Ее", "Её", "Их", "Это", "United", "Nations", "Human",
        "Rights", "Council", "Committee", "Office", "State", "Court", "Ministry", "Police",
        "Army", "Security", "Federal", "National", "Supreme", "Military", "Republic", "État",
        "Cour", "Tribunal", "Ministère", "Conseil", "Comité", "Gendarmerie", "Armée", "Sûreté",
        "Estado", "Corte", "Juzgado", "Ministerio", "Consejo", "Fiscalía", "Policía", "Penal",
        "Supremo", "Constitucional", "Nacional", "República", "Militar", "Ejército",
    }
)
# "the General Prosecutor", "fiscal General": a title word is never the name after a title.
_TITLE_WORD = re.compile(rf"(?i:{_LATIN_CUES}|{_LATIN_TITLES})\.?$")
# Lower-case institution nouns after a capitalised adjective: "адвокат Московской коллегии".
_CYRILLIC_INSTITUTION_AFTER = re.compile(
    r"\s+(?:коллеги|суд|управлени|отдел|район|област|палат|прокуратур|комитет|министерств"
    r"|департамент|служб|полиц|колони)"
)
_AR_TITLES = (
    r"السيد|السيدة|الآنسة|الدكتور|الدكتورة|المحامي|المحامية|القاضي|القاضية|المدعي العام"
    r"|العقيد|الرائد|النقيب|الملازم|اللواء|العميد|الضابط|المحقق|الوزير|الصحفي|الصحفية"
    r"|الرقيب|العريف|الجندي|المقدم|جاره|جارها|صديقه|صديقها"
    r"|الناشط|الناشطة|المدافع|المدافعة|زميله|زميلها|زميلي|زميلتي|شقيقه|شقيقها|شقيقي|شقيقته"
    r"|شقيقتها|أخي|أخيه|أخيها|أخته|أختها|زوجته|زوجها|ابنه|ابنها|ابنته|ابنتها|والده|والدها"
    r"|والدته|والدتها|المدعو|المدعوة|يدعى|تدعى|اسمه|اسمها"
)
_AR_WORD = r"[\u0621-\u064a\u064b-\u065f]{2,}"
_AR_STOP = frozenset(
    {
        "في", "من", "على", "إلى", "الى", "عن", "مع", "بعد", "قبل", "الذي", "التي", "الذين",
        "أو", "ثم", "لكن", "حيث", "عندما", "منذ", "خلال", "أن", "إن", "قد", "كان", "كانت",
        "تم", "لم", "لن", "هو", "هي", "بأن", "بسبب", "أمام", "داخل", "له", "لها", "لهم", "به",
        "بها", "عليه", "عليها", "منه", "منها", "إليه", "إليها", "قال", "قالت", "أكد", "أكدت",
        "أضاف", "أضافت", "طلب", "طلبت", "هدد", "هددت", "اتصل", "اتصلت", "إنه", "إنها",
        "يوم", "أيضا", "أيضاً", "كما", "لأن",
    }
)
_ZH_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
    "孔向汤欧阳司"
)
_ZH_TITLES_AFTER = r"先生|女士|小姐|律师|法官|警官|检察官|记者|教授|医生|老师|同志"
# Cues after which a name of any origin follows (Uyghur, Tibetan names have no Han surname).
_ZH_KIN_BEFORE = r"哥哥|弟弟|姐姐|妹妹|侄子|侄女|外甥|外甥女|名叫|叫做|化名"
_ZH_TITLES_BEFORE = (
    r"律师|法官|警官|检察官|记者|教授|活动人士|维权人士|邻居|哥哥|弟弟|姐姐|妹妹"
    r"|妻子|丈夫|儿子|女儿|父亲|母亲|同事|朋友|名叫|叫做|警察|国保人员|国保|官员|干部|侄子|侄女"
    r"|所长|局长|队长|科长|处长|狱警|邻居"
)
_ZH_FUNCTION = "的在被说和与是了于等也都曾已向把给让从对到将及因后前时告称表要问打带警来去"


def _pattern_parts() -> dict[str, tuple[str, str, str]]:
    """(cue before, name, cue after) per family; the cues become look-arounds."""
    latin_full = rf"{_LATIN_NAME}(?:\s+(?:{_LATIN_PARTICLE}\s+)?{_LATIN_NAME}){{0,3}}"
    cyr_full = rf"{_CYRILLIC_NAME}(?:\s+{_CYRILLIC_NAME}){{0,2}}"
    zh_given = rf"(?:(?![{_ZH_FUNCTION}])[\u4e00-\u9fff])"
    latin_initials = r"(?:[A-Z]\.\s?){1,2}[A-Z][a-z]{2,}|[A-Z][a-z]{2,}\s(?:[A-Z]\.\s?){1,2}"
    cyr_initials = (
        r"(?:[А-ЯЁ]\.\s?){1,2}[А-ЯЁ][а-яё]{2,}|[А-ЯЁ][а-яё]{2,}\s(?:[А-ЯЁ]\.\s?){1,2}"
    )
    return {
        "latin": (
            rf"(?<![^\W{CJK_CLASS}])(?<!\.)(?:(?i:{_LATIN_CUES}),?\s+"
            rf"(?:(?i:{_LATIN_TITLES})\.?\s+)?|(?i:{_LATIN_TITLES})\.?\s+)",
            latin_full,
            "",
        ),
        "cyrillic": (
            rf"{LEFT_EDGE}(?i:{_CYRILLIC_CUES}),?\s+(?:[А-ЯЁA-Z]{{2,6}}\s+)?", cyr_full, ""
        ),
        "latin_initials": (r"(?<![\w.])", f"(?:{latin_initials})", ""),
        "cyrillic_initials": (r"(?<![\w.])", f"(?:{cyr_initials})", ""),
        "arabic": (
            rf"(?<!\w)[وفبل]?(?:{_AR_TITLES})\s+", rf"{_AR_WORD}(?:\s+{_AR_WORD}){{0,2}}", ""
        ),
        "zh_after": ("", rf"[{_ZH_SURNAMES}]{zh_given}{{0,2}}?", f"(?:{_ZH_TITLES_AFTER})"),
        "zh_before": (f"(?:{_ZH_TITLES_BEFORE})", rf"[{_ZH_SURNAMES}]{zh_given}{{1,2}}", ""),
        "zh_kin": (
            f"(?:{_ZH_KIN_BEFORE})", f"{zh_given}{{2,4}}", rf"[{_ZH_FUNCTION}，。、；：“”（）\s]"
        ),
        "zh_dot": ("", r"[\u4e00-\u9fff]{2,5}[·•・][\u4e00-\u9fff]{2,5}", ""),
    }


@lru_cache(maxsize=1)
def _recognizers() -> dict[str, PatternRecognizer]:
    """One Presidio PatternRecognizer per family, built once. Cues sit in look-behinds
    (the ``regex`` module Presidio uses allows variable-length ones), so each result is the
    name alone. No global IGNORECASE: capitals are what mark a Latin or Cyrillic name."""
    recognizers = {}
    for family, (before, name, after) in _pattern_parts().items():
        regex_text = (f"(?<={before})" if before else "") + name + (f"(?={after})" if after else "")
        recognizers[family] = PatternRecognizer(
            supported_entity="PERSON",
            name=f"haven-person-{family}",
            patterns=[Pattern(family, regex_text, 0.6)],
            global_regex_flags=int(re.DOTALL),  # the same bit in the regex module
        )
    return recognizers


def find_persons(text: str) -> list[Span]:
    spans: list[Span] = []
    for family, recognizer in _recognizers().items():
        for result in recognizer.analyze(text, ["PERSON"], None):
            start, end = result.start, result.end
            if family == "arabic":
                # A given name follows a title; a word with the article is a noun or an
                # adjective ("القاضي الطلب", "الضابط المسؤول").
                end = start if text.startswith("ال", start) else _arabic_name_end(text, start, end)
            elif family in {"latin", "cyrillic"}:
                start, end = _trim_latin(text, start, end)
                if family == "cyrillic" and _CYRILLIC_INSTITUTION_AFTER.match(text, end):
                    end = start
            if end > start:
                key = "PERSON:" + (loose_key(text[start:end]) or text[start:end])
                spans.append(Span(start, end, "PERSON", "heuristic", 0.6, key))
    return spans


# Capitalised Russian nouns that follow person cues but name institutions
# ("сотрудники Центра «Э»", "начальник Управления").
_CYRILLIC_INSTITUTIONS = re.compile(
    r"(?:Центр|Управлени|Отдел|Министерств|Комитет|Служб|Департамент|Суд|Прокуратур|Совет"
    r"|Следственн|Федеральн|Государств|Главн|Районн|Областн)"
)


def _trim_latin(text: str, start: int, end: int) -> tuple[int, int]:
    if _CYRILLIC_INSTITUTIONS.match(text, start):
        return start, start
    words = list(re.finditer(r"\S+", text[start:end]))
    while words and _TITLE_WORD.match(words[0].group()):
        words.pop(0)  # "Me Didier Hakizimana"; "General Prosecutor" leaves nothing
    if not words or re.fullmatch(_LATIN_PARTICLE, words[0].group()):
        return start, start
    if words[0].group().strip(".,") in _NOT_NAMES:
        return start, start  # "my colleague The Times": an article starts a title, not a name
    while words and (words[-1].group().strip(".,") in _NOT_NAMES or re.fullmatch(
        _LATIN_PARTICLE, words[-1].group())):
        words.pop()
    if not words:
        return start, start
    last = words[-1].group()
    trailing = len(last) - len(last.rstrip(".,")) if len(last.rstrip(".,")) > 1 else 0
    return start + words[0].start(), start + words[-1].end() - trailing


def _arabic_name_end(text: str, start: int, end: int) -> int:
    kept_end = start
    for word in re.finditer(r"\S+", text[start:end]):
        bare = word.group()[1:] if word.group()[:1] in "وف" else word.group()
        if word.group() in _AR_STOP or bare in _AR_STOP:
            break
        kept_end = start + word.end()
    return kept_end
