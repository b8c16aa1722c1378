"""The release machinery of one reviewer app process: settings, outbox, case base access.

Installed by ``reviewer.release_views.install_release(app, config)``; views reach it with
``release_runtime()``. A daemon thread delivers due **tombstones** every
``release_sender_seconds`` (they need no consent check and must never wait for someone to
log in); releases are delivered in requests of unlocked reviewers, who re-check consent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from flask import current_app

from reviewer.release.anonymity import AnonymityClient, CountSource
from reviewer.release.errors import ReleaseConfigError
from reviewer.release.outbox import Outbox, http_poster
from reviewer.release.settings import ReleaseSettings

EXTENSION = "haven_release"
log = logging.getLogger("haven.reviewer.release")


@dataclass
class ReleaseRuntime:
    settings: ReleaseSettings
    outbox: Outbox
    post: Callable[[Mapping[str, Any]], requests.Response]
    counts: Callable[[], CountSource]
    sender: threading.Thread | None = None
    stop: threading.Event | None = None

    def start_sender(self, interval: float) -> None:
        """Deliver due tombstones in the background (releases wait for a consent check)."""
        if interval <= 0 or self.sender is not None:
            return
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(interval):
                try:
                    for delivery in self.outbox.deliver_due(self.post, consent_check=None):
                        if delivery.outcome in ("sent", "rejected"):
                            log.info("outbox: a package was %s", delivery.outcome)
                except Exception:  # noqa: BLE001 - keep the sender alive, say nothing identifying
                    log.exception("outbox sender failed; retrying later")

        self.stop = stop
        self.sender = threading.Thread(target=loop, name="haven-outbox", daemon=True)
        self.sender.start()


def build_runtime(settings: ReleaseSettings) -> ReleaseRuntime:
    if settings.outbox_path is None:
        raise ReleaseConfigError("no outbox path (the reviewer state directory)")
    outbox = Outbox(settings.outbox_path,
                    retry_base=settings.retry_base_seconds,
                    retry_max=settings.retry_max_seconds)
    return ReleaseRuntime(settings, outbox, http_poster(settings.casebase_url),
                          lambda: AnonymityClient.from_settings(settings))


def release_runtime() -> ReleaseRuntime:
    return current_app.extensions[EXTENSION]
