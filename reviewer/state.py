"""The reviewer process's in-memory state, reachable from views as ``reviewer_state()``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from reviewer.config import ReviewerConfig
from reviewer.keyring import KeyHolder
from reviewer.scrub import ScrubLimits
from reviewer.sessions import ServerSessionInterface, SessionStore
from reviewer.trust import BundleCache
from reviewer.vault_client import VaultClient

EXTENSION = "haven_reviewer"


@dataclass(frozen=True)
class ReviewerState:
    config: ReviewerConfig
    keys: KeyHolder
    sessions: SessionStore
    session_interface: ServerSessionInterface
    vault: VaultClient  # without a token; ``vault.with_token`` per request
    bundles: BundleCache

    @property
    def scrub_limits(self) -> ScrubLimits:
        c = self.config
        return ScrubLimits(cpu_seconds=c.scrub_cpu_seconds, memory_bytes=c.scrub_memory_bytes,
                           max_pixels=c.scrub_max_pixels, max_pages=c.scrub_max_pages,
                           timeout_seconds=c.scrub_timeout_seconds)


def reviewer_state() -> ReviewerState:
    return current_app.extensions[EXTENSION]
