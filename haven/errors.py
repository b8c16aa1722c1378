"""Errors of the haven package (configuration, vocabularies, CLI)."""


class HavenError(Exception):
    """Base class for every error Haven raises on purpose."""


class ConfigError(HavenError):
    """The instance configuration is missing, unreadable or invalid.

    Apps fail closed on it (503); the CLI exits with its message.
    """


class TaxonomyError(HavenError):
    """A term is not part of the controlled vocabulary."""


class BundlePublishError(HavenError):
    """A key bundle could not be signed, checked, recorded or written; nothing was served."""
