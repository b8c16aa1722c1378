"""`haven keys`: the organisation fingerprint and the signed reviewer key bundle (S3, S6, S14).

- ``haven keys fingerprint`` — print the root fingerprint to publish out of band, and check
  the served bundle against it.
- ``haven keys generate-reviewer OUT`` — a reviewer key pair file (0600) for workstation mode;
  prints the public entry to give to an administrator.
- ``haven keys add-reviewer ENTRY.json`` / ``--x25519 --ed25519`` — add a key, publish.
- ``haven keys retire KEY_ID`` — remove and revoke a key (offboarding, S6), publish.
- ``haven keys republish`` — the same keys under a new serial and fresh dates.

Publishing signs with the online bundle subkey (keys/bundle.key) and its certificate from
public/organisation.json, writes public/bundle.json and records it in the vault store.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from haven.commands.common import config_or_exit, instance_option
from haven.config import HavenConfig

BUNDLE_KEY_FILE = "bundle.key"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None


def organisation_fingerprint(config: HavenConfig) -> str:
    from vault.canonical import b64decode
    from vault.keys import fingerprint

    organisation = _read_json(config.organisation_path)
    return fingerprint(b64decode(organisation["root_public_key"]))


def _bundle_certificate(config: HavenConfig) -> Any:
    from vault.keys import parse_certificate

    organisation = _read_json(config.organisation_path)
    for doc in organisation.get("certificates", []):
        if doc.get("certificate", {}).get("purpose") == "bundle":
            return parse_certificate(doc)
    raise click.ClickException("public/organisation.json has no bundle subkey certificate")


def publish(config: HavenConfig, *, today: str, add_keys: list[dict[str, Any]] | None = None,
            retire: tuple[str, ...] = (), triage: list[str] | None = None) -> dict[str, Any]:
    """Sign the next bundle, check it against the pinned fingerprint, write and record it."""
    from vault.bundle import reissue_bundle, verify_bundle
    from vault.errors import VaultError
    from vault.keys import load_signing_key

    previous = _read_json(config.bundle_path)
    try:
        doc = reissue_bundle(
            previous,
            bundle_sk=load_signing_key(config.keys_dir / BUNDLE_KEY_FILE, purpose="bundle"),
            certificate=_bundle_certificate(config),
            issued_at=today, add_keys=add_keys or [], retire=retire, triage=triage,
        )
        verified = verify_bundle(doc, organisation_fingerprint(config), today=today,
                                 min_serial=previous["bundle"]["serial"] + 1)
    except VaultError as exc:
        raise click.ClickException(f"bundle not published: {exc}") from None
    text = json.dumps(doc, indent=2)
    _record(config, verified.serial, text, today)
    config.bundle_path.write_text(text, "utf-8")
    return doc


def _record(config: HavenConfig, serial: int, text: str, today: str) -> None:
    from vault import store
    from vault.db import make_engine, session_factory, transaction

    engine = make_engine(config.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            store.add_bundle(session, serial, text, today)
    finally:
        engine.dispose()


def _today(value: str | None) -> str:
    from vault.canonical import utc_day

    return value or utc_day()


@click.group("keys")
def keys() -> None:
    """The organisation fingerprint and the signed reviewer key bundle."""


@keys.command("fingerprint")
@instance_option
def fingerprint_command(*, instance_dir: Path) -> None:
    """Print the root fingerprint (publish it out of band) and check the bundle."""
    from vault.bundle import verify_bundle
    from vault.errors import VaultError

    config = config_or_exit(instance_dir)
    pinned = organisation_fingerprint(config)
    click.echo(pinned)
    try:
        bundle = verify_bundle(_read_json(config.bundle_path), pinned, today=_today(None),
                               min_serial=1)
    except VaultError as exc:
        raise click.ClickException(f"the served bundle does not verify: {exc}") from None
    click.echo(f"bundle serial {bundle.serial}, expires {bundle.expires_at}, "
               f"{len(bundle.keys)} key(s), triage {len(bundle.triage)}", err=True)


@keys.command("generate-reviewer")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--role", type=click.Choice(["reviewer", "coordinator"]), default="reviewer")
@click.option("--not-after", required=True, help="Last day the key may be used (YYYY-MM-DD).")
def generate_reviewer(*, out: Path, role: str, not_after: str) -> None:
    """Write a new reviewer key pair to OUT (0600) and print its public bundle entry."""
    from vault.keys import ReviewerKeyPair, save_reviewer_keypair

    if out.exists():
        raise click.ClickException(f"{out} exists: refusing to overwrite a key")
    pair = ReviewerKeyPair.generate()
    save_reviewer_keypair(out, pair)
    click.echo(json.dumps(pair.public_entry(role, not_after), indent=2))


@keys.command("add-reviewer")
@instance_option
@click.argument("entry_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--triage/--no-triage", default=True, help="Put the key in the on-duty set.")
@click.option("--today", help="Issue as of this UTC day (default today).")
def add_reviewer(*, instance_dir: Path, entry_file: Path, triage: bool,
                 today: str | None) -> None:
    """Add the public key entry in ENTRY_FILE (from generate-reviewer) and publish."""
    config = config_or_exit(instance_dir)
    entry = _read_json(entry_file)
    if not isinstance(entry, dict) or "id" not in entry:
        raise click.ClickException(f"{entry_file} is not a public key entry")
    current = _read_json(config.bundle_path)["bundle"]["triage"]
    chosen = sorted({*current, entry["id"]}) if triage else None
    doc = publish(config, today=_today(today), add_keys=[entry], triage=chosen)
    click.echo(f"published bundle serial {doc['bundle']['serial']} with key {entry['id']}")


@keys.command("retire")
@instance_option
@click.argument("key_id")
@click.option("--today", help="Issue as of this UTC day (default today).")
def retire(*, instance_dir: Path, key_id: str, today: str | None) -> None:
    """Remove KEY_ID from the bundle and revoke it (offboarding), then publish."""
    config = config_or_exit(instance_dir)
    ids = {k["id"] for k in _read_json(config.bundle_path)["bundle"]["keys"]}
    if key_id not in ids:
        raise click.ClickException(f"{key_id} is not a key of the current bundle")
    doc = publish(config, today=_today(today), retire=(key_id,))
    click.echo(f"published bundle serial {doc['bundle']['serial']}; {key_id} revoked")


@keys.command("republish")
@instance_option
@click.option("--today", help="Issue as of this UTC day (default today).")
def republish(*, instance_dir: Path, today: str | None) -> None:
    """Re-sign the same keys with a new serial and a fresh 30-day validity."""
    config = config_or_exit(instance_dir)
    doc = publish(config, today=_today(today))
    click.echo(f"published bundle serial {doc['bundle']['serial']}, "
               f"expires {doc['bundle']['expires_at']}")


commands: list[click.Command] = [keys]
