"""What an error page says, in the reader's language.

Errors carry a stable English message (the JSON API returns it as it is, and logs and tests
match on it); an HTML page shows the translated sentence for that message instead, or a
translated sentence for its HTTP status. A detail that names a parameter or a value (a
search that cannot be run) stays as it is, shown as code beside the translated sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext


def N_(text: str) -> str:  # noqa: N802 - marks a message for the catalogues, translated when shown
    return text


NOT_FOUND = N_("No such page or case.")
KNOWN_MESSAGES = {
    "No such page or case.": NOT_FOUND,
    "no such case": NOT_FOUND,
    "No statistics for that year.": N_("No statistics for that year."),
    "No such chart.": N_("No such chart."),
    "No such export format.": N_("No such export format."),
}
BY_STATUS = {
    400: N_("This search, filter or page cannot be used."),
    401: N_("You need to log in as a partner for this."),
    403: N_("You may not do this."),
    404: NOT_FOUND,
    405: N_("This address does not answer that kind of request."),
    409: N_("This conflicts with what the case base already holds."),
    413: N_("What was sent is too large."),
    422: N_("What was sent is not valid."),
    429: N_("Too many attempts. Try again later."),
    500: N_("Something went wrong. Try again later."),
}
GENERIC = N_("This request could not be answered.")


@dataclass(frozen=True)
class ErrorPage:
    status: int
    message: str  # translated
    detail: str | None  # the original message when no translation says it


def error_page(status: int, message: str) -> ErrorPage:
    known = KNOWN_MESSAGES.get(message.strip())
    if known is not None:
        return ErrorPage(status, gettext(known), None)
    fallback = gettext(BY_STATUS.get(status, GENERIC))
    detail = message.strip() or None
    # Werkzeug's own descriptions of a status say nothing the translated sentence does not.
    return ErrorPage(status, fallback, None if status in (404, 405, 413, 500) else detail)
