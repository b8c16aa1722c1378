"""Login throttling by user name, in process memory only (no client address is kept)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class LoginThrottle:
    """After ``limit`` failures within ``window`` seconds a user name is refused until the
    oldest of them leaves the window; a success clears its failures."""

    def __init__(self, limit: int = 5, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, username: str) -> bool:
        with self._lock:
            return len(self._recent(username)) >= self.limit

    def failed(self, username: str) -> None:
        with self._lock:
            self._recent(username).append(self.clock())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)

    def _recent(self, username: str) -> deque[float]:
        entries = self._failures[username]
        while entries and self.clock() - entries[0] > self.window:
            entries.popleft()
        return entries
