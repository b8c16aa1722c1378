"""Language selection shared by the three apps: the six UN languages, right-to-left, no cookie.

Every app calls ``init_i18n(app)``. The language comes from ``?lang=`` when the reader chose
one with the visible switch, otherwise from the browser's ``Accept-Language``. A chosen
language is remembered by carrying ``lang`` through every link, redirect and form action the
app builds with ``url_for`` — never in a cookie, so the intake stays cookie-free (S11) and
nothing about the reader is stored anywhere.

The message catalogues are shared (``haven/translations/``): one ``messages.po`` per
language, extracted from all three apps and from the taxonomy labels (see ``make i18n``).
Sharing data is not importing each other: each app only imports this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, has_request_context, request
from flask_babel import Babel

# The six official languages of the United Nations; English is the source language.
LANGUAGES: tuple[str, ...] = ("en", "ar", "zh", "fr", "ru", "es")
SOURCE_LANGUAGE = "en"
# Each language named in itself, so a reader finds their own whatever page they are on.
LANGUAGE_NAMES = {
    "en": "English",
    "ar": "العربية",
    "zh": "中文",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
# The ``lang`` attribute: Chinese is written in Simplified characters here, say so to screen
# readers and font selection.
HTML_LANG = {"zh": "zh-Hans"}
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LANG_PARAMETER = "lang"


@dataclass(frozen=True)
class LanguageLink:
    code: str
    html_lang: str  # for the link's own ``lang``/``hreflang``
    name: str  # the language's own name
    url: str
    current: bool
    direction: str


def text_direction(language: str) -> str:
    return "rtl" if language.split("_", 1)[0].split("-", 1)[0] in RTL_LANGUAGES else "ltr"


def requested_language(value: str | None, languages: Iterable[str]) -> str | None:
    """The language named in ``?lang=``, if it is one this app offers (anything else is
    ignored rather than refused: a stale or mistyped link still shows the page)."""
    if not value:
        return None
    code = value.strip().lower().replace("-", "_")
    offered = tuple(languages)
    if code in offered:
        return code
    base = code.split("_", 1)[0]
    return base if base in offered else None


def select_language(languages: tuple[str, ...]) -> str:
    """``?lang=`` first, then the browser's Accept-Language, then the first offered."""
    chosen = requested_language(request.args.get(LANG_PARAMETER), languages)
    if chosen:
        return chosen
    # In the browser's order of preference, by primary language: "es-MX, en;q=0.5" is
    # Spanish (an exact-match-first rule would pick the reader's second choice).
    for value, _quality in request.accept_languages:
        preferred = requested_language(value, languages)
        if preferred:
            return preferred
    return languages[0]


def chosen_language(languages: tuple[str, ...]) -> str | None:
    """The language the reader picked explicitly for this request (None: browser default)."""
    if not has_request_context():
        return None
    return requested_language(request.args.get(LANG_PARAMETER), languages)


def language_links(languages: tuple[str, ...], current: str, *,
                   keep_query: bool = False) -> list[LanguageLink]:
    """One link per language to this same page (GET only: a page answering a POST — a
    receipt shown once, say — must not be re-requested, so it offers no switch).
    ``keep_query`` keeps the page's other parameters (a search); otherwise the links are
    the same for every visitor of the page, whatever was added to its address."""
    if request.method != "GET":
        return []
    links = []
    for code in languages:
        args = [(k, v) for k, v in request.args.items(multi=True)
                if keep_query and k != LANG_PARAMETER]
        args.append((LANG_PARAMETER, code))
        links.append(LanguageLink(code, HTML_LANG.get(code, code), LANGUAGE_NAMES.get(code, code),
                                  f"{request.path}?{urlencode(args)}", code == current,
                                  text_direction(code)))
    return links


def _default_carried(endpoint: str) -> bool:
    # Static files and JSON APIs need no language; everything a person navigates to does.
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else ""
    return endpoint != "static" and not blueprint.endswith("api")


def init_i18n(
    app: Flask,
    *,
    languages: tuple[str, ...] = LANGUAGES,
    carried: Callable[[str], bool] = _default_carried,
    keep_query: bool = False,
) -> Babel:
    """Install flask-babel with the shared catalogues, ``?lang=`` selection, the carrying of
    a chosen language through ``url_for``, and the template values ``page_lang``,
    ``page_dir`` and ``language_links`` every base template uses."""
    offered = tuple(code for code in languages if code) or (SOURCE_LANGUAGE,)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE_LANGUAGE)
    babel = Babel(app, locale_selector=lambda: select_language(offered))

    @app.url_defaults
    def _carry_language(endpoint: str, values: dict) -> None:
        if LANG_PARAMETER in values or not carried(endpoint):
            return
        chosen = chosen_language(offered)
        if chosen:
            values[LANG_PARAMETER] = chosen

    @app.context_processor
    def _language_context() -> dict:
        from flask_babel import get_locale

        current = str(get_locale() or SOURCE_LANGUAGE)
        return {
            "page_lang": HTML_LANG.get(current, current.replace("_", "-")),
            "page_dir": text_direction(current),
            "language_links": (language_links(offered, current, keep_query=keep_query)
                               if len(offered) > 1 else []),
            # For GET forms, whose action URL loses its query string: a hidden ``lang``.
            "chosen_lang": chosen_language(offered),
        }

    return babel
