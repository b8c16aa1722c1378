"""Server-side sessions: the cookie carries only a random id (S16).

The data lives in this process's memory, next to the key holder it is indexed with, so
the reviewer app runs as ONE process (threads, not workers). Ids the store does not know
are never adopted (no session fixation); ids rotate at login and at key unlock; sessions
end after ``idle_seconds`` without a request and ``absolute_seconds`` after they began,
and ending one wipes its key slot.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

SESSION_ID_BYTES = 32


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial: dict[str, Any] | None, sid: str | None) -> None:
        def on_update(_self: Any) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.sid = sid
        self.modified = False
        self.rotated = False


@dataclass
class _Record:
    data: dict[str, Any]
    created: float
    last_seen: float = field(default=0.0)


class SessionStore:
    def __init__(
        self,
        idle_seconds: int,
        absolute_seconds: int,
        on_end: Callable[[str], None] = lambda sid: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds
        self._on_end = on_end
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def load(self, sid: str) -> dict[str, Any] | None:
        now = self._clock()
        with self._lock:
            record = self._records.get(sid)
            if record is None:
                return None
            if self._expired(record, now):
                del self._records[sid]
                expired = True
            else:
                record.last_seen = now
                return dict(record.data)
        if expired:
            self._on_end(sid)
        return None

    def save(self, sid: str, data: dict[str, Any]) -> None:
        now = self._clock()
        with self._lock:
            record = self._records.get(sid)
            if record is None:
                self._records[sid] = _Record(dict(data), created=now, last_seen=now)
            else:
                record.data = dict(data)
                record.last_seen = now

    def rotate(self, old_sid: str | None) -> str:
        """A fresh id for the same session (keeps its start time: the absolute limit holds)."""
        new_sid = new_session_id()
        now = self._clock()
        with self._lock:
            record = self._records.pop(old_sid, None) if old_sid else None
            self._records[new_sid] = record or _Record({}, created=now, last_seen=now)
        return new_sid

    def delete(self, sid: str) -> None:
        with self._lock:
            self._records.pop(sid, None)
        self._on_end(sid)

    def sweep(self) -> int:
        now = self._clock()
        with self._lock:
            ended = [sid for sid, rec in self._records.items() if self._expired(rec, now)]
            for sid in ended:
                del self._records[sid]
        for sid in ended:
            self._on_end(sid)
        return len(ended)

    def __contains__(self, sid: object) -> bool:
        return sid in self._records

    def _expired(self, record: _Record, now: float) -> bool:
        return (now - record.last_seen > self.idle_seconds
                or now - record.created > self.absolute_seconds)


def new_session_id() -> str:
    return secrets.token_urlsafe(SESSION_ID_BYTES)


class ServerSessionInterface(SessionInterface):
    def __init__(self, store: SessionStore, cookie_name: str, secure: bool) -> None:
        self.store = store
        self.cookie_name = cookie_name
        self.secure = secure

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(self.cookie_name)
        data = self.store.load(sid) if sid else None
        if data is None:
            return ServerSession(None, None)
        return ServerSession(data, sid)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)  # noqa: S101 - set by open_session
        if session.sid is None and not session:
            return
        if session.sid is None:
            session.sid = self.store.rotate(None)
            session.rotated = True
        self.store.save(session.sid, dict(session))
        if session.rotated or session.modified:
            # Path=/ and no Domain: what the __Host- prefix demands.
            response.set_cookie(
                self.cookie_name, session.sid, path="/", secure=self.secure, httponly=True,
                samesite="Strict",
            )
        response.vary.add("Cookie")


def rotate_session(session: ServerSession, store: SessionStore,
                   on_move: Callable[[str, str], None]) -> None:
    """Give ``session`` a new id now (login, unlock); the old id stops working at once."""
    old = session.sid
    new = store.rotate(old)
    if old:
        on_move(old, new)
    session.sid = new
    session.rotated = True


def end_session(session: ServerSession, store: SessionStore, response: Response,
                cookie_name: str, secure: bool) -> None:
    if session.sid:
        store.delete(session.sid)
    session.clear()
    session.sid = None
    response.delete_cookie(cookie_name, path="/", secure=secure, httponly=True,
                           samesite="Strict")
