"""The intake's handle on the vault store: database sessions and resumable uploads.

Uploads follow vault/SPEC.md §4.6 on the wire: chunk 0 is the 24-byte secretstream header,
chunks 1…n the encrypted chunks; the intake plugs ``vault.format.check_upload_chunk`` into
``vault.uploads`` so every chunk's index and length is checked before it is appended.
"""

from __future__ import annotations

from haven.config import HavenConfig
from intake.config import IntakeConfig
from intake.errors import IntakeConfigError


def max_ciphertext(plaintext_bytes: int) -> int:
    """The largest blob (ciphertext) a file of at most ``plaintext_bytes`` becomes."""
    from vault.format import stream_layout

    return stream_layout(plaintext_bytes)[2]


def wire_chunk_max() -> int:
    from vault.format import CHUNK_CT_SIZE

    return CHUNK_CT_SIZE


def wire_chunk_check(index: int, wire_count: int, data: bytes) -> None:
    """vault.uploads' chunk rule from the spec's: wire chunks are 0…n, so n = count − 1."""
    from vault.format import check_upload_chunk

    check_upload_chunk(index, data, wire_count - 1)


def open_storage(config: HavenConfig, intake_config: IntakeConfig):
    """(session factory, Uploads) for the instance's vault; fail closed if not migrated."""
    import sqlalchemy as sa

    from vault.blobs import backend_from_config
    from vault.db import current_revision, make_engine, session_factory
    from vault.uploads import UploadLimits, Uploads

    try:
        engine = make_engine(config.database_url)
        revision = current_revision(engine)
    except sa.exc.SQLAlchemyError as exc:
        raise IntakeConfigError(f"vault database unreachable: {type(exc).__name__}") from None
    if revision is None:
        raise IntakeConfigError("the vault database is not migrated: run `haven init`")
    limits = UploadLimits(
        chunk_size=wire_chunk_max(),
        max_bytes=max_ciphertext(intake_config.max_file_bytes),
        min_free_bytes=intake_config.min_free_disk_bytes,
    )
    try:
        backend = backend_from_config(config)
    except OSError as exc:
        raise IntakeConfigError(f"blob directory unusable: {exc}") from None
    return session_factory(engine), Uploads(backend, limits, wire_chunk_check)
