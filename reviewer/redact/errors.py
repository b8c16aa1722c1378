"""Errors of the redaction assistant; each names what was wrong so a reviewer can act on it."""


class RedactionError(ValueError):
    """Base class for every error the redaction assistant raises on purpose."""

    code = "redaction_error"


class UnsupportedLanguage(RedactionError):
    """The language is not one of the six UN languages."""

    code = "unsupported_language"


class InvalidCountry(RedactionError):
    """The report's country is not a two-letter ISO 3166 code phonenumbers knows."""

    code = "invalid_country"


class InvalidSpan(RedactionError):
    """A span lies outside the text, is empty, or has an unknown type."""

    code = "invalid_span"


class InvalidKnownIdentifiers(RedactionError):
    """The structured fields given to the assistant have the wrong shape."""

    code = "invalid_known_identifiers"


class InvalidVersion(RedactionError):
    """A redaction version is malformed or does not follow its parent."""

    code = "invalid_redaction_version"


class InvalidPlaceholderMap(RedactionError):
    """A placeholder map passed back in is malformed (wrong type or placeholder form)."""

    code = "invalid_placeholder_map"


class CorpusError(RedactionError):
    """An evaluation narrative is malformed (bad offsets, unknown type, missing field)."""

    code = "invalid_corpus"
