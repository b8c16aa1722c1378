"""The no-JS path (S9): seal the report on the server, in memory, the moment it arrives.

The server sees plaintext here, so: the form lives only in memory (intake.nojs_form), it is
sealed with ``vault.seal`` to the published bundle with ``server_sealed`` set in the header,
the receipt is generated and turned into keys in memory (bounded argon2id runs), only
ciphertext is written, and buffers are overwritten when done. No-JS users pay no proof of
work; they wait in a slower queue instead (at most ``nojs_concurrency`` at once, each waiting
longer as load rises).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from intake.form_values import fields_from_form
from intake.submissions import REPORT_TYPE, add_report_row, checked_envelope

AUDIO_FIELD = "situation.audio"
FILES_FIELD = "evidence.files"


@dataclass(frozen=True)
class NoJsFile:
    field: str  # the form field it came in (evidence files or the audio recording)
    name: str
    media_type: str
    stream: object  # CappedMemoryFile

    def data(self) -> bytes:
        return self.stream.getvalue()


@dataclass(frozen=True)
class NoJsReceipt:
    receipt: str
    report_id: str


def queue_delay(services) -> float:
    """Seconds a no-JS submission waits: the base delay, doubled per bit of PoW difficulty
    the load has added (the same signal that makes JS users work harder)."""
    config = services.intake_config
    extra_bits = services.pow.current_difficulty() - config.pow_difficulty
    return config.nojs_delay_seconds * (2 ** max(extra_bits, 0))


def seal_nojs_report(services, values, files: list[NoJsFile]) -> NoJsReceipt:
    has_audio = any(f.field == AUDIO_FIELD or f.media_type.startswith("audio/") for f in files)
    fields = fields_from_form(values, has_audio=has_audio)
    with services.nojs_slots:
        time.sleep(queue_delay(services))
        services.pow.count_submission()
        try:
            return _seal_and_store(services, fields, files)
        finally:
            for item in files:
                item.stream.wipe()


def _seal_and_store(services, fields: dict, files: list[NoJsFile]) -> NoJsReceipt:
    from vault.blobs import write_blob
    from vault.canonical import utc_day
    from vault.db import transaction
    from vault.receipts import lookup_hash, new_receipt
    from vault.seal import seal_attachment_bytes, seal_report

    receipt = new_receipt()
    keys = derive_keys(services, receipt)
    day = utc_day()
    sealed_files = [seal_attachment_bytes(f.name, f.media_type, f.data()) for f in files]
    sealed = seal_report(fields, [entry for _blob, entry in sealed_files],
                         services.bundle.parsed, keys, day=day, server_sealed=True)
    parsed = checked_envelope(sealed.envelope, services.bundle, expected_type=REPORT_TYPE,
                              server_sealed=True)
    # Blobs and report in one unit of work: a refused report leaves no row behind (blob
    # files without a row are removed by the blob sweep).
    with transaction(services.sessions) as session:
        for blob, entry in sealed_files:
            write_blob(session, services.uploads.backend, [blob], chunk_count=entry.chunk_count,
                       day=day, min_free_bytes=services.intake_config.min_free_disk_bytes)
        report_id = add_report_row(session, services, parsed, sealed.envelope,
                                   lookup_hash(services.pepper, keys.lookup_id), sealed.blob_ids)
    return NoJsReceipt(receipt, report_id)


def derive_keys(services, receipt: str):
    """Receipt → keys in memory, with at most a few argon2id runs at once (S4)."""
    from vault.receipts import derive_receipt_keys

    with services.argon2_slots:
        return derive_receipt_keys(receipt, services.config.instance_id)
