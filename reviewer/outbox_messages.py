"""The outbox page in the reader's language: a delivery error is stored as a stable text
(reviewer/release/outbox.py keeps it in SQLite, where it must stay the same whatever the
language of whoever reads it) and named here, at the view, by a translated sentence.
A case base's own error code (``record_withdrawn``…) is shown as a code inside a sentence."""

from __future__ import annotations

import dataclasses
import re

from flask_babel import gettext as _
from markupsafe import Markup

from reviewer.release.errors import AnonymityUnavailable
from reviewer.release.outbox import OutboxItem

_UNREACHABLE = re.compile(r"unreachable \((\w+)\)")
_HTTP = re.compile(r"HTTP (\d{3})")
_CODE = re.compile(r"[a-z][a-z0-9_]*")


def outbox_error(text: str | None) -> str:
    """The translated sentence for a stored delivery error ('' when there is none)."""
    if not text:
        return ""
    if text == "superseded by a tombstone":
        return _("Cancelled: a tombstone for this record replaced it.")
    if text.startswith("consent no longer holds"):
        return _("Cancelled: the reporter's consent no longer holds at send time.")
    return _case_base_answer(text)


def _case_base_answer(text: str) -> str:
    if match := _UNREACHABLE.fullmatch(text):
        return _("The case base could not be reached (%(error)s).", error=match.group(1))
    if match := _HTTP.fullmatch(text):
        return _("The case base answered with HTTP status %(status)s.", status=match.group(1))
    if _CODE.fullmatch(text):
        return _("The case base refused it: %(code)s.", code=text)
    return text


def anonymity_error(exc: Exception) -> str:
    """Why the case base could not be asked for k (reviewer/release/anonymity.py), in the
    reader's language; another release error is shown as it is."""
    if not isinstance(exc, AnonymityUnavailable):
        return str(exc)
    detail = exc.detail
    if exc.reason == "no_token":
        # The path and the command are typed as they are: shown as code in the sentence.
        sentence = Markup.escape(_("No case base API token at %(path)s: ask the case base for "
                                   "a partner token (%(command)s) and store it there."))
        return sentence % {"path": Markup("<code>%s</code>") % detail["path"],
                           "command": Markup("<code>haven casebase token</code>")}
    if exc.reason == "unreachable":
        return _("The case base could not be reached (%(error)s).", error=detail["error"])
    if exc.reason == "refused":
        return _("The case base answered with HTTP status %(status)s.", status=detail["status"])
    return _("The case base answered in a form this version does not read.")


def translated_items(items: list[OutboxItem]) -> list[OutboxItem]:
    """The outbox rows with their last error named in the reader's language."""
    return [dataclasses.replace(item, last_error=outbox_error(item.last_error))
            for item in items]
