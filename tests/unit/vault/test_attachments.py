"""vault.attachments: streaming secretstream sealing and opening (vault/SPEC.md §4.6)."""

import hashlib
import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.attachments import AttachmentSealer, open_attachment, seal_attachment_bytes
from vault.errors import ChunkAuthFailed, ManifestMismatch, StreamTruncated
from vault.format import CHUNK_CT_SIZE, CHUNK_SIZE, check_blob_declaration, check_upload_chunk

SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE + 5]


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_at_chunk_boundaries(size: int) -> None:
    data = os.urandom(size)
    blob, entry = seal_attachment_bytes("f.bin", "application/octet-stream", data)
    assert len(blob) == entry.ct_len
    assert entry.sha256 == hashlib.sha256(data).hexdigest()
    assert entry.blob_id == hashlib.blake2b(blob, digest_size=32).hexdigest()
    entry.check_layout()
    check_blob_declaration(entry.ct_len, entry.chunk_count)
    assert b"".join(open_attachment(entry, lambda _i: io.BytesIO(blob))) == data


@settings(max_examples=15, deadline=None)
@given(st.binary(max_size=3 * CHUNK_SIZE), st.lists(st.integers(1, 40000), max_size=20))
def test_feeding_in_any_pieces_gives_valid_upload_chunks(data: bytes, cuts: list[int]) -> None:
    sealer = AttachmentSealer("a", "b", len(data))
    chunks, pos = [sealer.header], 0
    for cut in cuts:
        chunks += sealer.feed(data[pos : pos + cut])
        pos = min(len(data), pos + cut)
    chunks += sealer.feed(data[pos:])
    rest, entry = sealer.finish()
    chunks += rest
    assert len(chunks) == entry.chunk_count + 1
    for index, chunk in enumerate(chunks):
        check_upload_chunk(index, chunk, entry.chunk_count)
    blob = b"".join(chunks)
    assert b"".join(open_attachment(entry, lambda _i: blob)) == data


def test_sealer_memory_stays_within_one_chunk() -> None:
    size = 40 * CHUNK_SIZE + 123
    sealer = AttachmentSealer("big", "application/octet-stream", size)
    piece = os.urandom(50_000)
    fed = 0
    while fed < size:
        step = min(len(piece), size - fed)
        sealer.feed(piece[:step])
        fed += step
        assert len(sealer._buffer) <= CHUNK_SIZE  # noqa: SLF001 - the property under test
    rest, entry = sealer.finish()
    assert entry.size == size


def test_sealer_refuses_wrong_sizes() -> None:
    sealer = AttachmentSealer("a", "b", 3)
    with pytest.raises(ValueError, match="more bytes"):
        sealer.feed(b"abcd")
    short = AttachmentSealer("a", "b", 3)
    short.feed(b"ab")
    with pytest.raises(ValueError, match="declared"):
        short.finish()


def test_every_chunk_is_authenticated() -> None:
    data = os.urandom(2 * CHUNK_SIZE + 10)
    blob, entry = seal_attachment_bytes("f", "t", data)
    for position in (24, 24 + CHUNK_CT_SIZE + 7, len(blob) - 1):
        bad = bytearray(blob)
        bad[position] ^= 0x40
        # The blob id no longer matches: the store's copy was altered.
        with pytest.raises(ManifestMismatch):
            list(open_attachment(entry, lambda _i, b=bytes(bad): b))


def test_missing_blob_and_truncated_stream() -> None:
    blob, entry = seal_attachment_bytes("f", "t", os.urandom(CHUNK_SIZE + 10))

    def missing(_blob_id: str) -> bytes:
        raise KeyError(_blob_id)

    with pytest.raises(ManifestMismatch, match="missing"):
        list(open_attachment(entry, missing))
    cut = blob[: 24 + CHUNK_CT_SIZE]
    forged = entry.__class__(**{**entry.__dict__, "blob_id": hashlib.blake2b(
        cut, digest_size=32).hexdigest(), "ct_len": len(cut)})
    with pytest.raises(StreamTruncated):
        list(open_attachment(forged, lambda _i: cut))


def test_upload_chunk_rules() -> None:
    check_upload_chunk(0, bytes(24), 2)
    check_upload_chunk(1, bytes(CHUNK_CT_SIZE), 2)
    check_upload_chunk(2, bytes(17), 2)
    for index, size in [(0, 23), (1, CHUNK_CT_SIZE - 1), (2, 16), (3, 20), (-1, 24)]:
        with pytest.raises(Exception, match="chunk"):
            check_upload_chunk(index, bytes(size), 2)


def test_chunk_auth_failure_is_named() -> None:
    data = os.urandom(2 * CHUNK_SIZE)
    blob, entry = seal_attachment_bytes("f", "t", data)
    swapped = blob[:24] + blob[24 + CHUNK_CT_SIZE :] + blob[24 : 24 + CHUNK_CT_SIZE]
    forged = entry.__class__(**{**entry.__dict__, "blob_id": hashlib.blake2b(
        swapped, digest_size=32).hexdigest()})
    with pytest.raises(ChunkAuthFailed):
        list(open_attachment(forged, lambda _i: swapped))


class _CountingReader:
    """A blob file that records the largest single read asked of it."""

    def __init__(self, data: bytes, log: list[int]) -> None:
        self._handle, self._log = io.BytesIO(data), log

    def read(self, size: int = -1) -> bytes:
        self._log.append(size)
        return self._handle.read(size)

    def __enter__(self) -> "_CountingReader":
        return self

    def __exit__(self, *_exc: object) -> None:
        self._handle.close()


def test_opening_reads_one_chunk_at_a_time() -> None:
    data = os.urandom(6 * CHUNK_SIZE + 99)
    blob, entry = seal_attachment_bytes("f", "t", data)
    sizes: list[int] = []
    pieces = list(open_attachment(entry, lambda _i: _CountingReader(blob, sizes)))
    assert b"".join(pieces) == data
    assert max(len(p) for p in pieces) <= CHUNK_SIZE
    assert 0 < max(sizes) <= CHUNK_CT_SIZE
