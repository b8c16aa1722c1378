"""`haven audit verify` and `haven audit export-head` (S17).

The checkpoint public key comes from the instance's public organisation document (the
subkey certificate, checked against the root key there) or, failing that, from the
checkpoint key file; ``--checkpoint-key`` pins it explicitly (what a witness does).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from haven.commands.common import config_or_exit, instance_option
from haven.config import HavenConfig

AUDIT_KEY_FILE = "audit-target.key"
CHECKPOINT_KEY_FILE = "checkpoint.key"


@dataclass(frozen=True)
class VaultHandle:
    engine: Any
    factory: Any
    backend: Any


@contextlib.contextmanager
def open_vault(config: HavenConfig) -> Iterator[VaultHandle]:
    """The vault database (migrated to head) and blob backend of an instance."""
    from vault.blobs import backend_from_config
    from vault.db import make_engine, migrate, session_factory

    migrate(config.database_url)
    engine = make_engine(config.database_url)
    try:
        yield VaultHandle(engine, session_factory(engine), backend_from_config(config))
    finally:
        engine.dispose()


def audit_key(config: HavenConfig) -> bytes:
    from vault.audit import load_audit_key
    from vault.errors import VaultError

    try:
        return load_audit_key(config.keys_dir / AUDIT_KEY_FILE)
    except VaultError as exc:
        raise click.ClickException(str(exc)) from None


def checkpoint_signing_key(config: HavenConfig) -> Any:
    from vault.errors import VaultError
    from vault.keys import load_signing_key

    try:
        return load_signing_key(config.keys_dir / CHECKPOINT_KEY_FILE, purpose="checkpoint")
    except (VaultError, OSError) as exc:
        raise click.ClickException(f"cannot load the checkpoint key: {exc}") from None


def checkpoint_verify_key(config: HavenConfig, pinned: str | None = None,
                          fingerprint: str | None = None) -> Any:
    """The checkpoint public key: pinned, certified in organisation.json (whose root must
    match ``fingerprint`` when given), or from the checkpoint key file."""
    import json

    from nacl.signing import VerifyKey

    from vault.canonical import b64decode
    from vault.errors import VaultError

    if pinned:
        try:
            return VerifyKey(b64decode(pinned))
        except (VaultError, ValueError) as exc:
            raise click.ClickException(f"--checkpoint-key: {exc}") from None
    path = config.organisation_path
    if path.exists():
        try:
            found = _certified_checkpoint_key(json.loads(path.read_text("utf-8")), fingerprint)
        except (OSError, ValueError, VaultError) as exc:
            raise click.ClickException(f"{path}: {exc}") from None
        if found is not None:
            return found
    if fingerprint:
        raise click.ClickException(f"{path}: no certified checkpoint key to check the "
                                   "fingerprint against")
    return checkpoint_signing_key(config).verify_key


def _certified_checkpoint_key(doc: Any, pinned_fingerprint: str | None) -> Any:
    """Find the checkpoint subkey certificate in the organisation document and check it
    against the root key there (expiry ignored: old heads stay verifiable). A fingerprint
    pinned by the caller must match that root: a document served by the host it vouches
    for proves little on its own (S10)."""
    from nacl.signing import VerifyKey

    from vault.canonical import b64decode
    from vault.errors import VaultError
    from vault.keys import fingerprint, fingerprints_equal, parse_certificate, verify_certificate

    root = None
    for name in ("root_public_key", "root_key", "root"):
        value = doc.get(name) if isinstance(doc, dict) else None
        if isinstance(value, dict):
            value = value.get("public_key")
        if isinstance(value, str):
            root = VerifyKey(b64decode(value))
            break
    if root is not None and pinned_fingerprint and not fingerprints_equal(
        fingerprint(root), pinned_fingerprint
    ):
        raise click.ClickException("the organisation root does not match --fingerprint")
    org_id = doc.get("org_id") if isinstance(doc, dict) else None
    for candidate in _dicts(doc):
        try:
            cert = parse_certificate(candidate)
        except VaultError:
            continue
        if cert.purpose == "checkpoint" and root is not None:
            return verify_certificate(candidate, root, "checkpoint", today=cert.not_after,
                                      org_id=org_id).verify_key
    return None


def _dicts(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dicts(item)


@click.group("audit")
def audit_group() -> None:
    """Check and publish the audit log (signed Merkle heads)."""


@audit_group.command("verify")
@instance_option
@click.option("--head", "head_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A signed head saved earlier (JSON): the log must still extend it.")
@click.option("--checkpoint-key", "pinned", help="Checkpoint public key (base64url), pinned.")
@click.option("--fingerprint", help="The organisation root fingerprint, from a trusted channel.")
def verify_command(*, instance_dir: Path, head_file: Path | None, pinned: str | None,
                   fingerprint: str | None) -> None:
    """Recompute the audit log and check every signed head (and a saved one)."""
    from vault.audit import load_head_file, verify_log
    from vault.audit_signatures import check_action_signatures
    from vault.errors import AuditError, AuditTampered

    config = config_or_exit(instance_dir)
    key = checkpoint_verify_key(config, pinned, fingerprint)
    root = fingerprint or organisation_root_fingerprint(config)
    try:
        saved = load_head_file(head_file) if head_file else None
        with open_vault(config) as vault, vault.factory() as session:
            state = verify_log(session, key, saved)
            signatures = check_action_signatures(session, root)
    except AuditTampered as exc:
        where = "" if exc.first_bad_seq is None else f" (first bad entry: {exc.first_bad_seq})"
        raise click.ClickException(f"AUDIT LOG TAMPERED: {exc}{where}") from None
    except AuditError as exc:
        raise click.ClickException(str(exc)) from None
    extends = f"; extends the saved head of size {saved.size}" if saved else ""
    click.echo(f"audit log OK: {state.size} entries, {state.heads_checked} signed heads "
               f"checked{extends}")
    _report_signatures(signatures)


def _report_signatures(check: Any) -> None:
    """Reviewers' own signatures on key requests and client actions (S17)."""
    before = check.unsigned_before_signing
    if before:
        click.echo(f"unsigned (before signing): {len(before)} entries, seq "
                   f"{before[0]}..{before[-1]}")
    for problem in check.problems:
        click.echo(f"entry {problem.seq} ({problem.action}): {problem.reason}", err=True)
    if not check.ok:
        raise click.ClickException(
            f"AUDIT LOG: {len(check.problems)} reviewer action(s) without a valid reviewer "
            "signature")
    click.echo(f"reviewer signatures OK: {check.verified} signed actions verified")


def organisation_root_fingerprint(config: HavenConfig) -> str | None:
    """The organisation root's fingerprint from organisation.json (recorded bundles must
    verify under it), or None when the instance has no readable one."""
    import json

    from nacl.signing import VerifyKey

    from vault.canonical import b64decode
    from vault.errors import VaultError
    from vault.keys import fingerprint

    try:
        doc = json.loads(config.organisation_path.read_text("utf-8"))
        value = doc.get("root_public_key") if isinstance(doc, dict) else None
        if isinstance(value, dict):
            value = value.get("public_key")
        return fingerprint(VerifyKey(b64decode(value))) if isinstance(value, str) else None
    except (OSError, ValueError, VaultError):
        return None


@audit_group.command("export-head")
@instance_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the signed head here (JSON) as well as to stdout.")
def export_head_command(*, instance_dir: Path, out: Path | None) -> None:
    """Sign the current head with the checkpoint key and print it for witnesses."""
    from vault.audit import export_head, sign_head
    from vault.db import transaction
    from vault.errors import AuditError

    config = config_or_exit(instance_dir)
    key = checkpoint_signing_key(config)
    try:
        with open_vault(config) as vault, transaction(vault.factory) as session:
            head = sign_head(session, key)
    except AuditError as exc:
        raise click.ClickException(str(exc)) from None
    text = export_head(head)
    if out:
        out.write_text(text, "utf-8")
    click.echo(text, nl=False)


commands: list[click.Command] = [audit_group]
