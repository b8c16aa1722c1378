"""Scrubbed copies of hostile attachments, made in a separate sandboxed process (S15)."""

from reviewer.scrub.sandbox import (
    SandboxFeatures,
    ScrubbedFile,
    ScrubLimits,
    sandbox_features,
    scrub,
    scrub_for_release,
    sniff_kind,
)

__all__ = ["SandboxFeatures", "ScrubLimits", "ScrubbedFile", "sandbox_features", "scrub",
           "scrub_for_release", "sniff_kind"]
