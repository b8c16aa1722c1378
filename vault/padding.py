"""Size buckets and Padmé (vault/SPEC.md §4.3, §4.6; S5).

- ``pad(data) -> bytes`` / ``unpad(padded) -> bytes``: ISO/IEC 7816-4 padding to the
  bucket, the smallest power of two ≥ len + 1 and ≥ 1024 (``sodium.pad(data, bucket)``).
  Shared by report fields, messages and every event payload.
- ``is_bucket(n)``, ``bucket_for(n)``.
- ``padme(length)``: the Padmé length of a file (≤ 12 % overhead).
"""

from __future__ import annotations

from vault.errors import BadPadding, FieldsTooLarge

MIN_BUCKET = 1024
MAX_BUCKET = 1 << 22  # 4 MiB
MARKER = 0x80


def bucket_for(length: int) -> int:
    """The bucket that holds ``length`` bytes plus the mandatory 0x80 marker."""
    bucket = MIN_BUCKET
    while bucket < length + 1:
        bucket <<= 1
    if bucket > MAX_BUCKET:
        raise FieldsTooLarge(f"{length} bytes exceed the largest bucket ({MAX_BUCKET} bytes)")
    return bucket


def is_bucket(length: int) -> bool:
    return MIN_BUCKET <= length <= MAX_BUCKET and length & (length - 1) == 0


def pad(data: bytes) -> bytes:
    bucket = bucket_for(len(data))
    return data + b"\x80" + bytes(bucket - len(data) - 1)


def unpad(padded: bytes) -> bytes:
    if not is_bucket(len(padded)):
        raise BadPadding("padded length is not a bucket")
    end = len(padded.rstrip(b"\x00"))
    if end == 0 or padded[end - 1] != MARKER:
        raise BadPadding("padding marker 0x80 missing")
    return padded[: end - 1]


def padme(length: int) -> int:
    """Padmé: round ``length`` up so only the top bits of its exponent's size remain."""
    if length < 0:
        raise ValueError("length must be ≥ 0")
    if length <= 1:
        return length
    exponent = length.bit_length() - 1  # floor(log2 length)
    significant = exponent.bit_length()  # floor(log2 exponent) + 1
    mask = (1 << (exponent - significant)) - 1
    return (length + mask) & ~mask
