"""The binary layout of ``haven-envelope/1`` and keyless structural checks (vault/SPEC.md §4).

The server (no keys) uses this module: ``parse_envelope`` before storing an envelope,
``check_blob_declaration`` when an upload starts and ``check_upload_chunk`` per chunk.

Public API:
- constants ``VERSION_LINE``, ``TYPE_REPORT``, ``TYPE_EVENT``, ``CHUNK_SIZE`` (65536
  plaintext bytes), ``CHUNK_CT_SIZE`` (65553), ``STREAM_HEADER_SIZE`` (24),
  ``MAX_ATTACHMENT_SIZE``, ``STANZA_SIZE``, ``MAX_STANZAS``, ``EVENT_OVERHEAD``.
- frozen ``Stanza(key_id: bytes, sealed_key: bytes)``.
- frozen ``EnvelopeInfo`` (version, type, report_id (str UUID), bundle_sha256, day, stanzas,
  manifest_commitment, server_sealed, header, header_mac, nonce, body, envelope_hash (hex),
  header_hash (bytes)); ``stanza_key_ids`` (hex tuple).
- ``parse_envelope(data: bytes) -> EnvelopeInfo``.
- ``build_header(type, report_id, bundle_sha256, day, stanzas, *, manifest_commitment,
  server_sealed) -> bytes``; ``assemble(header, header_mac, nonce, body) -> bytes``.
- ``stream_layout(size) -> (padded_size, chunk_count, ct_len)``.
- ``check_blob_declaration(ct_len, chunk_count) -> int`` (padded plaintext size).
- ``check_upload_chunk(index, chunk, declared_count) -> None``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from vault.errors import (
    BadLength,
    MalformedHeader,
    TrailingData,
    Truncated,
    UnknownType,
    UnknownVersion,
    UploadChunkInvalid,
)
from vault.kdf import blake2b
from vault.padding import is_bucket, padme

VERSION_LINE = b"haven-envelope/1\n"
TYPE_REPORT = 0x01
TYPE_EVENT = 0x02
KEY_ID_SIZE = 16
SEALED_KEY_SIZE = 80  # crypto_box_seal of a 32-byte key
STANZA_SIZE = KEY_ID_SIZE + SEALED_KEY_SIZE
MAX_STANZAS = 32
MAC_SIZE = 32
NONCE_SIZE = 24
AEAD_TAG_SIZE = 16
DAY_SIZE = 10
UUID_VERSION = 4
# signature (64) ‖ label (14) ‖ report_id (16) ‖ seq (4) ‖ prev hash (32) ‖ type (1)
EVENT_OVERHEAD = 131

CHUNK_SIZE = 65536
STREAM_ABYTES = 17
CHUNK_CT_SIZE = CHUNK_SIZE + STREAM_ABYTES
STREAM_HEADER_SIZE = 24
MAX_ATTACHMENT_SIZE = 500 * 1024 * 1024


@dataclass(frozen=True)
class Stanza:
    key_id: bytes
    sealed_key: bytes


@dataclass(frozen=True)
class EnvelopeInfo:
    type: int
    report_id: str
    bundle_sha256: bytes
    day: str
    stanzas: tuple[Stanza, ...]
    manifest_commitment: bytes
    server_sealed: bool
    header: bytes
    header_mac: bytes
    nonce: bytes
    body: bytes
    envelope_hash: str
    version: str = "haven-envelope/1"

    @property
    def stanza_key_ids(self) -> tuple[str, ...]:
        return tuple(s.key_id.hex() for s in self.stanzas)

    @property
    def header_hash(self) -> bytes:
        return blake2b(self.header + self.header_mac)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, size: int, what: str) -> bytes:
        if self.pos + size > len(self.data):
            raise Truncated(f"the envelope ends inside the {what}")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def parse_envelope(data: bytes) -> EnvelopeInfo:
    """Keyless structural check of an envelope; raises the named error of §4.5."""
    data = bytes(data)
    if len(data) < len(VERSION_LINE) and VERSION_LINE.startswith(data):
        raise Truncated("the envelope ends inside the version line")
    if not data.startswith(VERSION_LINE):
        raise UnknownVersion("not a haven-envelope/1 envelope")
    reader = _Reader(data)
    reader.take(len(VERSION_LINE), "version line")
    kind = reader.take(1, "type")[0]
    if kind not in (TYPE_REPORT, TYPE_EVENT):
        raise UnknownType(f"unknown envelope type {kind:#04x}")
    report_id = _report_id(reader.take(16, "report id"))
    bundle_hash = reader.take(32, "bundle hash")
    day = _day(reader.take(DAY_SIZE, "day"))
    count = reader.take(1, "stanza count")[0]
    if not 1 <= count <= MAX_STANZAS:
        raise BadLength(f"an envelope has 1 to {MAX_STANZAS} stanzas, not {count}")
    stanzas = _stanzas(reader.take(STANZA_SIZE * count, "stanzas"))
    commitment = reader.take(MAC_SIZE, "manifest commitment")
    flag = reader.take(1, "server_sealed flag")[0]
    if flag not in (0, 1):
        raise MalformedHeader("server_sealed is 0 or 1")
    header = data[: reader.pos]
    header_mac = reader.take(MAC_SIZE, "header MAC")
    body_len = int.from_bytes(reader.take(4, "body length"), "big")
    _check_body_len(kind, body_len)
    nonce = reader.take(NONCE_SIZE, "nonce")
    body = reader.take(body_len, "body")
    if reader.pos != len(data):
        raise TrailingData(f"{len(data) - reader.pos} bytes follow the envelope")
    return EnvelopeInfo(
        kind, report_id, bundle_hash, day, stanzas, commitment, flag == 1,
        header, header_mac, nonce, body, blake2b(data).hex(),
    )


def _report_id(raw: bytes) -> str:
    value = uuid.UUID(bytes=raw)
    if value.version != UUID_VERSION or value.variant != uuid.RFC_4122:
        raise MalformedHeader("report_id is not a UUIDv4")
    return str(value)


def _day(raw: bytes) -> str:
    try:
        text = raw.decode("ascii")
        if len(text) != DAY_SIZE or text[4:5] + text[7:8] != "--":
            raise ValueError(text)
        dt.date.fromisoformat(text)
    except (UnicodeDecodeError, ValueError):
        raise MalformedHeader("the day is not a YYYY-MM-DD calendar day") from None
    return text


def _stanzas(raw: bytes) -> tuple[Stanza, ...]:
    stanzas = tuple(
        Stanza(raw[i : i + KEY_ID_SIZE], raw[i + KEY_ID_SIZE : i + STANZA_SIZE])
        for i in range(0, len(raw), STANZA_SIZE)
    )
    ids = [s.key_id for s in stanzas]
    if any(a >= b for a, b in zip(ids, ids[1:], strict=False)):
        raise MalformedHeader("stanzas are not strictly ordered by key id")
    return stanzas


def _check_body_len(kind: int, body_len: int) -> None:
    plain = body_len - AEAD_TAG_SIZE - (EVENT_OVERHEAD if kind == TYPE_EVENT else 0)
    if not is_bucket(plain):
        raise BadLength(f"body length {body_len} is not a padded size")


def build_header(
    kind: int,
    report_id: str,
    bundle_sha256: bytes,
    day: str,
    stanzas: Sequence[Stanza],
    *,
    manifest_commitment: bytes,
    server_sealed: bool,
) -> bytes:
    ordered = sorted(stanzas, key=lambda s: s.key_id)
    return b"".join(
        [
            VERSION_LINE,
            bytes([kind]),
            uuid.UUID(report_id).bytes,
            bundle_sha256,
            day.encode("ascii"),
            bytes([len(ordered)]),
            *(s.key_id + s.sealed_key for s in ordered),
            manifest_commitment,
            b"\x01" if server_sealed else b"\x00",
        ]
    )


def assemble(header: bytes, header_mac: bytes, nonce: bytes, body: bytes) -> bytes:
    return header + header_mac + len(body).to_bytes(4, "big") + nonce + body


def stream_layout(size: int) -> tuple[int, int, int]:
    """(padded size, chunk count, ciphertext length) of a file of ``size`` bytes (§4.6)."""
    if not 0 <= size <= MAX_ATTACHMENT_SIZE:
        raise ValueError(f"an attachment is 0 to {MAX_ATTACHMENT_SIZE} bytes")
    padded = padme(size)
    count = max(1, -(-padded // CHUNK_SIZE))
    return padded, count, STREAM_HEADER_SIZE + padded + STREAM_ABYTES * count


def check_blob_declaration(ct_len: int, chunk_count: int) -> int:
    """Server check when an upload starts; returns the padded plaintext size."""
    if type(ct_len) is not int or type(chunk_count) is not int or chunk_count < 1:
        raise UploadChunkInvalid("ct_len and chunk_count are positive integers")
    padded = ct_len - STREAM_HEADER_SIZE - STREAM_ABYTES * chunk_count
    fits = (chunk_count - 1) * CHUNK_SIZE < padded <= chunk_count * CHUNK_SIZE
    if not (fits or (padded == 0 and chunk_count == 1)):
        raise UploadChunkInvalid("ct_len does not match chunk_count")
    if padme(padded) != padded or padded > padme(MAX_ATTACHMENT_SIZE):
        raise UploadChunkInvalid("the padded size is not a Padmé length within the limit")
    return padded


def check_upload_chunk(index: int, chunk: bytes, declared_count: int) -> None:
    """Wire chunk 0 is the 24-byte stream header; 1…n are ciphertext chunks (§4.6)."""
    size = len(chunk)
    if index == 0:
        ok = size == STREAM_HEADER_SIZE
    elif 1 <= index < declared_count:
        ok = size == CHUNK_CT_SIZE
    elif index == declared_count:
        ok = STREAM_ABYTES <= size <= CHUNK_CT_SIZE
    else:
        raise UploadChunkInvalid(f"chunk index {index} is outside 0…{declared_count}")
    if not ok:
        raise UploadChunkInvalid(f"chunk {index} has a wrong length ({size} bytes)")
