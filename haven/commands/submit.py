"""`haven submit`: seal a report locally and send it to an intake (vault/SPEC.md §9).

    haven submit --bundle URL-or-FILE --fingerprint FP --instance-id ID --intake URL \
        FIELDS.json [FILES...]

The bundle is verified against the pinned fingerprint before anything is encrypted (S3);
the receipt is made and its keys derived here; files are sealed to a temporary file of
ciphertext (constant memory) and uploaded chunk by chunk; only ciphertext, the lookup id and
blob ids leave the machine. The receipt is printed once.

Plain functions (tested without a network): ``load_bundle_document``,
``prepare_submission(fields, paths, bundle_doc, *, fingerprint, instance_id, today,
min_serial, workdir) -> PreparedSubmission`` and ``send(prepared, intake_url, session)`` (the
thin HTTP part). Proofs of work are solved with the intake's own ``intake.pow.solve``.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

READ_SIZE = 1024 * 1024
MIN_BUNDLE_SERIAL = 1  # the CLI's built-in floor (S3); raise it with each release
HTTP_TIMEOUT = 60


@dataclass(frozen=True)
class SealedFile:
    entry: Any  # vault.attachments.SealedAttachment
    ciphertext_path: Path

    def wire_chunks(self) -> Iterator[bytes]:
        """Chunk 0 = the 24-byte stream header, then one secretstream chunk each."""
        from vault.format import CHUNK_CT_SIZE, STREAM_HEADER_SIZE

        with self.ciphertext_path.open("rb") as handle:
            yield handle.read(STREAM_HEADER_SIZE)
            while chunk := handle.read(CHUNK_CT_SIZE):
                yield chunk


@dataclass(frozen=True)
class PreparedSubmission:
    receipt: str
    report_id: str
    envelope: bytes
    lookup_id: bytes
    files: tuple[SealedFile, ...]

    def body(self) -> dict[str, Any]:
        from vault.canonical import b64encode

        return {"envelope": b64encode(self.envelope), "lookup_id": b64encode(self.lookup_id),
                "blobs": [f.entry.blob_id for f in self.files]}


def load_bundle_document(source: str, session: Any = None) -> Any:
    if source.startswith(("https://", "http://")):
        import requests

        response = (session or requests).get(source, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        return response.json()
    try:
        return json.loads(Path(source).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read the bundle {source}: {exc}") from None


def _seal_file(path: Path, workdir: Path) -> SealedFile:
    from vault.attachments import AttachmentSealer

    size = path.stat().st_size
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    sealer = AttachmentSealer(path.name, media_type, size)
    out = Path(tempfile.mkstemp(dir=workdir, suffix=".sealed")[1])
    with path.open("rb") as source, out.open("wb") as sink:
        sink.write(sealer.header)
        while piece := source.read(READ_SIZE):
            for chunk in sealer.feed(piece):
                sink.write(chunk)
        rest, entry = sealer.finish()
        for chunk in rest:
            sink.write(chunk)
    return SealedFile(entry, out)


def prepare_submission(
    fields: dict[str, Any],
    paths: Sequence[Path],
    bundle_doc: Any,
    *,
    fingerprint: str,
    instance_id: str,
    today: str,
    min_serial: int,
    workdir: Path,
) -> PreparedSubmission:
    """Verify the bundle against the pin, make a receipt, seal fields and files."""
    from vault.bundle import verify_bundle
    from vault.receipts import derive_receipt_keys, new_receipt
    from vault.seal import seal_report

    bundle = verify_bundle(bundle_doc, fingerprint, today=today, min_serial=min_serial)
    receipt = new_receipt()
    receipt_keys = derive_receipt_keys(receipt, instance_id)
    files = tuple(_seal_file(Path(p), workdir) for p in paths)
    sealed = seal_report(fields, [f.entry for f in files], bundle, receipt_keys, day=today,
                         server_sealed=False)
    return PreparedSubmission(receipt, sealed.report_id, sealed.envelope,
                              receipt_keys.lookup_id, files)


def _pow(session: Any, intake: str, scope: str, binding: str) -> dict[str, str]:
    from intake.pow import solve

    response = session.get(f"{intake}/api/v1/pow", params={"scope": scope}, timeout=HTTP_TIMEOUT)
    _check(response)
    challenge = response.json()
    return {"challenge": challenge["challenge"],
            "counter": solve(challenge["challenge"], binding, int(challenge["difficulty"]))}


def _check(response: Any) -> None:
    if response.status_code >= 400:  # noqa: PLR2004 - HTTP error range
        try:
            detail = response.json()
        except ValueError:
            detail = {"error": response.status_code}
        raise click.ClickException(f"the intake refused: {detail}")


def send(prepared: PreparedSubmission, intake: str, session: Any) -> str:
    """Upload each file (SPEC §9 steps 1–2), then submit the envelope (step 3)."""
    intake = intake.rstrip("/")
    for sealed in prepared.files:
        entry = sealed.entry
        declaration = {"blob_id": entry.blob_id, "ct_len": entry.ct_len,
                       "chunk_count": entry.chunk_count}
        text = f"{entry.blob_id}:{entry.ct_len}:{entry.chunk_count}"
        binding = hashlib.sha256(text.encode("ascii")).hexdigest()
        response = session.post(f"{intake}/api/v1/uploads", timeout=HTTP_TIMEOUT,
                                json={**declaration, "pow": _pow(session, intake, "upload",
                                                                 binding)})
        _check(response)
        upload_id = response.json()["upload_id"]
        for index, chunk in enumerate(sealed.wire_chunks()):
            _check(session.put(f"{intake}/api/v1/uploads/{upload_id}/chunks/{index}",
                               data=chunk, timeout=HTTP_TIMEOUT,
                               headers={"Content-Type": "application/octet-stream"}))
    body = prepared.body()
    binding = hashlib.sha256(prepared.envelope).hexdigest()
    body["pow"] = _pow(session, intake, "submit", binding)
    response = session.post(f"{intake}/api/v1/submissions", json=body, timeout=HTTP_TIMEOUT)
    _check(response)
    return str(response.json()["report_id"])


@click.command("submit")
@click.option("--bundle", "bundle_source", required=True, help="Bundle URL or file.")
@click.option("--fingerprint", required=True, help="The organisation's pinned fingerprint.")
@click.option("--instance-id", required=True, help="The instance id the receipt is bound to.")
@click.option("--intake", required=True, help="The intake's base URL.")
@click.option("--min-serial", type=int, default=MIN_BUNDLE_SERIAL, show_default=True,
              help="Refuse bundles with a lower serial (rollback protection).")
@click.argument("fields_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def submit(*, bundle_source: str, fingerprint: str, instance_id: str, intake: str,
           min_serial: int, fields_file: Path, files: tuple[Path, ...]) -> None:
    """Seal FIELDS_FILE (a JSON object) and FILES to the verified bundle and submit them."""
    import requests

    from vault.canonical import utc_day
    from vault.errors import VaultError

    try:
        fields = json.loads(fields_file.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read {fields_file}: {exc}") from None
    if not isinstance(fields, dict):
        raise click.ClickException(f"{fields_file} must hold a JSON object")
    with requests.Session() as session, tempfile.TemporaryDirectory() as workdir:
        try:
            prepared = prepare_submission(
                fields, files, load_bundle_document(bundle_source, session),
                fingerprint=fingerprint, instance_id=instance_id, today=utc_day(),
                min_serial=min_serial, workdir=Path(workdir),
            )
        except VaultError as exc:
            raise click.ClickException(f"not sent: {exc} ({exc.code})") from None
        try:
            report_id = send(prepared, intake, session)
        except requests.RequestException as exc:
            raise click.ClickException(f"the intake could not be reached: {exc}") from None
    click.echo(f"Report {report_id} sent.")
    click.echo("Your receipt (write it down; it is shown only once):")
    click.echo(prepared.receipt)


commands: list[click.Command] = [submit]
