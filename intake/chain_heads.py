"""Where the reporter's event chain stands, kept for the reporter alone.

Each reporter event is signed over ``seq`` and the previous event's hash (SPEC §6.1), but the
events are sealed to reviewers: a reporter coming back with the receipt cannot read them to
learn the last hash. So with each event the reporter also sends the new chain head
``{"seq", "event_hash"}`` sealed (``crypto_box_seal``) to their own reply key, and the intake
keeps that opaque box, under a name derived from the lookup hash, and hands it back on the
next visit. The intake cannot read it; replacing it only breaks the reporter's next event,
which reviewers then see as a fork. Files are written atomically with mtime 00:00 UTC of the
day (S7).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import os
import secrets
from pathlib import Path

MAX_HEAD_BYTES = 512


class ChainHeads:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _path(self, lookup_hash: bytes) -> Path:
        name = hashlib.blake2b(lookup_hash, digest_size=32, person=b"haven-chainhead").hexdigest()
        return self.directory / name

    def read(self, lookup_hash: bytes) -> bytes | None:
        try:
            return self._path(lookup_hash).read_bytes()
        except FileNotFoundError:
            return None

    def write(self, lookup_hash: bytes, sealed_head: bytes, day: dt.date) -> None:
        target = self._path(lookup_hash)
        temp = self.directory / f".{secrets.token_hex(8)}.part"
        with open(temp, "xb") as handle:
            handle.write(sealed_head)
            handle.flush()
            os.fsync(handle.fileno())
        midnight = calendar.timegm(day.timetuple())
        os.utime(temp, (midnight, midnight))
        os.replace(temp, target)

    def delete(self, lookup_hash: bytes) -> None:
        """The reporter burned the receipt: their chain head goes too (absent is fine)."""
        self._path(lookup_hash).unlink(missing_ok=True)
