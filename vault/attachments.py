"""Attachments: one secretstream per file, streamed in and out in constant memory (§4.6).

Public API:
- ``AttachmentSealer(name, media_type, size, *, rng=None)``: ``.header`` (wire chunk 0),
  ``.feed(data) -> list[bytes]`` (ciphertext chunks completed so far),
  ``.finish() -> tuple[list[bytes], SealedAttachment]`` (the remaining chunks, last FINAL).
- ``seal_attachment_bytes(name, media_type, data, *, rng=None) -> (blob, SealedAttachment)``.
- frozen ``SealedAttachment`` = one manifest entry; ``.to_manifest()``,
  ``SealedAttachment.from_manifest(dict)``.
- ``open_attachment(entry, blob_reader) -> Iterator[bytes]``: verified plaintext; raises
  at the end if anything is wrong, so consumers keep the output only when it completes.
  ``blob_reader(blob_id) -> bytes | BinaryIO`` opens the blob afresh on each call.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import nacl.bindings as sodium
from nacl.exceptions import CryptoError

from vault.canonical import b64decode, b64encode
from vault.errors import (
    BadEncoding,
    BadPadding,
    ChunkAuthFailed,
    FieldsMalformed,
    ManifestMismatch,
    PlaintextHashMismatch,
    StreamExtended,
    StreamTruncated,
)
from vault.format import CHUNK_CT_SIZE, CHUNK_SIZE, STREAM_ABYTES, STREAM_HEADER_SIZE, stream_layout
from vault.kdf import KEY_BYTES, Rng, system_rng

HEX_HASH_DIGITS = 64

TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
BlobReader = Callable[[str], "bytes | BinaryIO"]
_ENTRY_FIELDS = {"blob_id", "ct_len", "chunk_count", "key", "sha256", "name", "type", "size"}


@dataclass(frozen=True)
class SealedAttachment:
    blob_id: str
    ct_len: int
    chunk_count: int
    key: bytes
    sha256: str
    name: str
    type: str
    size: int

    def __repr__(self) -> str:  # the key and real name stay out of logs
        return f"SealedAttachment(blob_id={self.blob_id}, ct_len={self.ct_len})"

    def to_manifest(self) -> dict[str, Any]:
        return {
            "blob_id": self.blob_id, "ct_len": self.ct_len, "chunk_count": self.chunk_count,
            "key": b64encode(self.key), "sha256": self.sha256, "name": self.name,
            "type": self.type, "size": self.size,
        }

    @classmethod
    def from_manifest(cls, entry: Any) -> SealedAttachment:
        try:
            if not isinstance(entry, dict) or set(entry) != _ENTRY_FIELDS:
                raise ValueError("unexpected manifest entry fields")
            value = cls(
                entry["blob_id"], entry["ct_len"], entry["chunk_count"],
                b64decode(entry["key"]), entry["sha256"], entry["name"], entry["type"],
                entry["size"],
            )
            _check_entry_types(value)
        except (TypeError, ValueError, BadEncoding) as exc:
            raise FieldsMalformed(f"malformed manifest entry: {exc}") from None
        return value

    def check_layout(self) -> None:
        """ct_len and chunk_count must be those of a stream of ``size`` bytes."""
        try:
            _padded, count, ct_len = stream_layout(self.size)
        except ValueError as exc:
            raise ManifestMismatch(str(exc)) from None
        if (count, ct_len) != (self.chunk_count, self.ct_len):
            raise ManifestMismatch("ct_len or chunk_count does not match the file size")


def _check_entry_types(value: SealedAttachment) -> None:
    for name in ("ct_len", "chunk_count", "size"):
        if type(getattr(value, name)) is not int or getattr(value, name) < 0:
            raise ValueError(f"{name} is a non-negative integer")
    for name in ("blob_id", "sha256"):
        text = getattr(value, name)
        if not isinstance(text, str) or len(text) != HEX_HASH_DIGITS or text != text.lower():
            raise ValueError(f"{name} is 64 lowercase hex digits")
        bytes.fromhex(text)
    if len(value.key) != KEY_BYTES or not all(isinstance(t, str) for t in (value.name, value.type)):
        raise ValueError("key is 32 bytes; name and type are strings")


class AttachmentSealer:
    """Encrypt one file as it arrives: feed plaintext, collect ciphertext chunks."""

    def __init__(self, name: str, media_type: str, size: int, *, rng: Rng | None = None) -> None:
        self.name, self.media_type, self.size = name, media_type, size
        self.padded, self.chunk_count, self.ct_len = stream_layout(size)
        rng = rng or system_rng
        self._key = rng(32)
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        # init_pull with a header we chose sets the same state as init_push would: this keeps
        # the header injectable for reproducible vectors.
        self.header = rng(STREAM_HEADER_SIZE)
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(self._state, self.header, self._key)
        self._blob_hash = hashlib.blake2b(self.header, digest_size=32)
        self._plain_hash = hashlib.sha256()
        self._buffer = bytearray()
        self._received = 0
        self._pushed = 0

    def feed(self, data: bytes) -> list[bytes]:
        self._received += len(data)
        if self._received > self.size:
            raise ValueError("more bytes than the declared size")
        self._plain_hash.update(data)
        return self._absorb(data)

    def _absorb(self, data: bytes) -> list[bytes]:
        self._buffer.extend(data)
        out = []
        while len(self._buffer) >= CHUNK_SIZE and self._pushed + 1 < self.chunk_count:
            out.append(self._push(bytes(self._buffer[:CHUNK_SIZE]), TAG_MESSAGE))
            del self._buffer[:CHUNK_SIZE]
        return out

    def _push(self, plaintext: bytes, tag: int) -> bytes:
        chunk = sodium.crypto_secretstream_xchacha20poly1305_push(self._state, plaintext, None, tag)
        self._blob_hash.update(chunk)
        self._pushed += 1
        return chunk

    def finish(self) -> tuple[list[bytes], SealedAttachment]:
        if self._received != self.size:
            raise ValueError(f"received {self._received} bytes, declared {self.size}")
        out: list[bytes] = []
        remaining = self.padded - self.size
        while remaining:
            step = min(remaining, CHUNK_SIZE)
            out.extend(self._absorb(bytes(step)))
            remaining -= step
        out.append(self._push(bytes(self._buffer), TAG_FINAL))
        self._buffer.clear()
        entry = SealedAttachment(
            self._blob_hash.hexdigest(), self.ct_len, self.chunk_count, self._key,
            self._plain_hash.hexdigest(), self.name, self.media_type, self.size,
        )
        return out, entry


def seal_attachment_bytes(
    name: str, media_type: str, data: bytes, *, rng: Rng | None = None
) -> tuple[bytes, SealedAttachment]:
    sealer = AttachmentSealer(name, media_type, len(data), rng=rng)
    chunks = [sealer.header, *sealer.feed(data)]
    rest, entry = sealer.finish()
    return b"".join(chunks + rest), entry


def _open_blob(blob_reader: BlobReader, blob_id: str) -> BinaryIO:
    try:
        blob = blob_reader(blob_id)
    except (KeyError, FileNotFoundError, LookupError) as exc:
        raise ManifestMismatch(f"blob {blob_id} is missing") from exc
    if blob is None:
        raise ManifestMismatch(f"blob {blob_id} is missing")
    return io.BytesIO(blob) if isinstance(blob, (bytes, bytearray)) else blob


def _read_full(handle: BinaryIO, size: int) -> bytes:
    parts, wanted = [], size
    while wanted:
        part = handle.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def verify_blob(entry: SealedAttachment, blob_reader: BlobReader) -> None:
    """The blob exists, has ct_len bytes and hashes to blob_id (manifest_mismatch)."""
    handle = _open_blob(blob_reader, entry.blob_id)
    digest, length = hashlib.blake2b(digest_size=32), 0
    with handle:
        while part := handle.read(CHUNK_CT_SIZE):
            digest.update(part)
            length += len(part)
    if length != entry.ct_len or digest.hexdigest() != entry.blob_id:
        raise ManifestMismatch(f"blob {entry.blob_id} is altered, swapped or of the wrong length")


def open_attachment(entry: SealedAttachment, blob_reader: BlobReader) -> Iterator[bytes]:
    """Yield the file's plaintext chunk by chunk; raise on any defect (§4.6)."""
    verify_blob(entry, blob_reader)
    handle = _open_blob(blob_reader, entry.blob_id)
    with handle:
        yield from _decrypt_stream(entry, handle)


def _decrypt_stream(entry: SealedAttachment, handle: BinaryIO) -> Iterator[bytes]:
    header = _read_full(handle, STREAM_HEADER_SIZE)
    if len(header) != STREAM_HEADER_SIZE:
        raise StreamTruncated("the blob ends inside the stream header")
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header, entry.key)
    plain_hash, position, chunks, final = hashlib.sha256(), 0, 0, False
    while chunk := _read_full(handle, CHUNK_CT_SIZE):
        if final:
            raise StreamExtended("data follows the final chunk")
        plaintext, tag = _pull(state, chunk)
        chunks += 1
        final = tag == TAG_FINAL
        useful = plaintext[: max(0, entry.size - position)]
        if plaintext[len(useful) :].strip(b"\x00"):
            raise BadPadding("the padding after the file is not zero")
        position += len(plaintext)
        plain_hash.update(useful)
        if useful:
            yield useful
    if not final:
        raise StreamTruncated("the stream ends without a final chunk")
    _check_totals(entry, chunks, position, plain_hash.hexdigest())


def _pull(state: Any, chunk: bytes) -> tuple[bytes, int]:
    if len(chunk) < STREAM_ABYTES:
        raise ChunkAuthFailed("a chunk is shorter than its tag")
    try:
        plaintext, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, chunk, None)
    except (CryptoError, ValueError):
        raise ChunkAuthFailed("a chunk does not authenticate (reordered or altered)") from None
    if tag not in (TAG_MESSAGE, TAG_FINAL):
        raise ChunkAuthFailed(f"unexpected chunk tag {tag}")
    return plaintext, tag


def _check_totals(entry: SealedAttachment, chunks: int, position: int, digest: str) -> None:
    try:
        padded, count, _ct_len = stream_layout(entry.size)
    except ValueError as exc:
        raise ManifestMismatch(str(exc)) from None
    if chunks != entry.chunk_count or chunks != count or position != padded:
        raise ManifestMismatch("the stream's chunk count or length differs from the manifest")
    if digest != entry.sha256:
        raise PlaintextHashMismatch("the file's SHA-256 differs from the manifest")
