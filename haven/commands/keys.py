"""`haven keys`: the organisation fingerprint, the signed reviewer key bundle, subkeys (S3, S6,
S14).

- ``haven keys fingerprint`` — print the root fingerprint to publish out of band, and check
  the served bundle against it.
- ``haven keys status [--warn-within DAYS]`` — the served bundle's serial and days left, and
  the bundle subkey certificate's; exit 0 fine, 1 expired or not verifying, 3 expiring soon.
- ``haven keys add-reviewer ENTRY.json`` — add a registered key's public entry, publish.
- ``haven keys retire KEY_ID`` — remove and revoke a key (offboarding, S6), publish.
- ``haven keys republish [--if-expiring-within DAYS]`` — the same keys under a new serial and
  fresh dates (the daily ``haven-bundle-republish.timer`` runs it with ``--if-expiring-within``).
- ``haven keys subkey-request`` / ``certify-subkey`` (offline, with the root) /
  ``install-subkey`` — renew a purpose subkey without either private key crossing the air gap.

Publishing signs with the online bundle subkey (keys/bundle.key) and its certificate from
public/organisation.json, records the bundle in the vault store and replaces
public/bundle.json (haven/bundle_publishing.py); the intake serves it from its next request.
Reviewer keys are made where they are used: ``haven accounts add --with-key`` or the reviewer
app's key setup, which register only the passphrase-wrapped private key.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from haven.commands.common import config_or_exit, instance_option
from haven.config import HavenConfig

EXIT_EXPIRING = 3  # `keys status`: valid, but within the warning window


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


def publish(config: HavenConfig, *, today: str, add_keys: list[dict[str, Any]] | None = None,
            retire: tuple[str, ...] = (), triage: list[str] | None = None) -> Any:
    """Sign the next bundle, check it against the pinned fingerprint, record and serve it."""
    from haven.bundle_publishing import load_signer, next_serial, sign_and_publish
    from haven.errors import BundlePublishError
    from vault.bundle import next_contents
    from vault.db import make_engine, session_factory, transaction
    from vault.errors import VaultError

    previous = _read_json(config.bundle_path)
    engine = make_engine(config.database_url)
    try:
        signer = load_signer(config)
        with transaction(session_factory(engine)) as session:
            contents = next_contents(
                previous, add_keys=add_keys or [], retire=retire, triage=triage,
                serial=next_serial(session, previous["bundle"]["serial"]))
            return sign_and_publish(session, config.bundle_path, signer, contents, today=today)
    except BundlePublishError as exc:
        raise click.ClickException(str(exc)) from None
    except (VaultError, KeyError, TypeError) as exc:
        raise click.ClickException(f"bundle not published: {exc}") from None
    finally:
        engine.dispose()


def _today(value: str | None) -> str:
    from vault.canonical import utc_day

    if value is None:
        return utc_day()
    try:
        if len(value) == len("YYYY-MM-DD") and dt.date.fromisoformat(value):
            return value
    except ValueError:
        pass
    raise click.BadParameter(f"{value!r} is not a day (YYYY-MM-DD)", param_hint="--today")


today_option = click.option("--today", help="Act as of this UTC day (default today).")


@click.group("keys")
def keys() -> None:
    """The organisation fingerprint, the signed reviewer key bundle and subkeys."""


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


@keys.command("status")
@instance_option
@click.option("--warn-within", type=click.IntRange(0, 30), default=7, show_default=True,
              help="Exit 3 when the bundle expires within this many days.")
@today_option
def status(*, instance_dir: Path, warn_within: int, today: str | None) -> None:
    """Days left for the served bundle and its subkey certificate.

    Exit status: 0 valid longer than --warn-within days; 3 valid but expiring within it (or
    the bundle subkey certificate within 30 days); 1 expired, missing or not verifying.
    """
    from haven.bundle_publishing import current_bundle
    from haven.errors import BundlePublishError
    from vault.bundle import days_left
    from vault.errors import VaultError
    from vault.keys import parse_certificate

    config, day = config_or_exit(instance_dir), _today(today)
    try:
        bundle = current_bundle(config, today=day)
        certificate = parse_certificate(_read_json(config.bundle_path)["certificate"])
    except (BundlePublishError, VaultError) as exc:
        raise click.ClickException(str(exc)) from None
    left = days_left(bundle.expires_at, day)
    cert_left = days_left(certificate.not_after, day)
    click.echo(f"bundle serial {bundle.serial}: issued {bundle.issued_at}, expires "
               f"{bundle.expires_at} ({left} day(s) left); {len(bundle.keys)} key(s), "
               f"triage {len(bundle.triage)}")
    click.echo(f"bundle subkey certified until {certificate.not_after} "
               f"({cert_left} day(s) left)")
    if left < 0 or cert_left < 0:
        raise click.ClickException("expired: run `haven keys republish` (bundle) or renew "
                                   "the bundle subkey (docs/key-ceremony.md §7)")
    if left <= warn_within or cert_left <= max(warn_within, 30):  # noqa: PLR2004
        click.echo("warning: expiring soon (docs/key-ceremony.md)", err=True)
        sys.exit(EXIT_EXPIRING)


@keys.command("add-reviewer")
@instance_option
@click.argument("entry_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--triage/--no-triage", default=True, help="Put the key in the on-duty set.")
@today_option
def add_reviewer(*, instance_dir: Path, entry_file: Path, triage: bool,
                 today: str | None) -> None:
    """Add the public key entry in ENTRY_FILE and publish.

    The entry ({"id", "x25519_pk", "ed25519_pk", "role", "not_after"}) is a registered
    key's, as listed in the vault API's bundle draft (GET /api/v1/bundle/draft).
    """
    config = config_or_exit(instance_dir)
    entry = _read_json(entry_file)
    if not isinstance(entry, dict) or "id" not in entry:
        raise click.ClickException(f"{entry_file} is not a public key entry")
    current = _read_json(config.bundle_path)["bundle"]["triage"]
    chosen = sorted({*current, entry["id"]}) if triage else None
    published = publish(config, today=_today(today), add_keys=[entry], triage=chosen)
    click.echo(f"published bundle serial {published.serial} with key {entry['id']}")


@keys.command("retire")
@instance_option
@click.argument("key_id")
@today_option
def retire(*, instance_dir: Path, key_id: str, today: str | None) -> None:
    """Remove KEY_ID from the bundle and revoke it (offboarding), then publish."""
    config = config_or_exit(instance_dir)
    ids = {k["id"] for k in _read_json(config.bundle_path)["bundle"]["keys"]}
    if key_id not in ids:
        raise click.ClickException(f"{key_id} is not a key of the current bundle")
    published = publish(config, today=_today(today), retire=(key_id,))
    click.echo(f"published bundle serial {published.serial}; {key_id} revoked")


@keys.command("republish")
@instance_option
@click.option("--if-expiring-within", "within", type=click.IntRange(0, 29), metavar="DAYS",
              help="Only when the served bundle expires within DAYS days (else do nothing).")
@today_option
def republish(*, instance_dir: Path, within: int | None, today: str | None) -> None:
    """Re-sign the same keys with a new serial and a fresh 30-day validity.

    Exit status: 0 published, or (with --if-expiring-within) nothing to do; 1 not published
    (the message says why: no bundle subkey, an expired certificate, a bundle that would not
    verify, the database); 2 bad usage.
    """
    from haven.bundle_publishing import current_bundle
    from haven.errors import BundlePublishError
    from vault.bundle import days_left

    config, day = config_or_exit(instance_dir), _today(today)
    if within is not None:
        try:
            served = current_bundle(config, today=day)
        except BundlePublishError as exc:
            raise click.ClickException(str(exc)) from None
        left = days_left(served.expires_at, day)
        if left > within:
            click.echo(f"bundle serial {served.serial} is valid until {served.expires_at} "
                       f"({left} days left, more than {within}): not republished")
            return
    published = publish(config, today=day)
    click.echo(f"published bundle serial {published.serial}, expires {published.expires_at}")


@keys.command("subkey-request")
@instance_option
@click.option("--purpose", type=click.Choice(["bundle", "release", "manifest", "checkpoint"]),
              required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the request (for the public USB stick).")
def subkey_request(*, instance_dir: Path, purpose: str, out: Path) -> None:
    """Make a new PURPOSE subkey (keys/PURPOSE.key.pending) and its certification request."""
    from haven.errors import BundlePublishError
    from haven.subkeys import make_request

    if out.exists():
        raise click.ClickException(f"{out} exists: refusing to overwrite it")
    try:
        request = make_request(config_or_exit(instance_dir), purpose)
    except BundlePublishError as exc:
        raise click.ClickException(str(exc)) from None
    out.write_text(json.dumps(request.to_dict(), indent=2), "utf-8")
    click.echo(f"request for a new {purpose} subkey written to {out}; root fingerprint "
               f"{request.root_fingerprint}")


@keys.command("certify-subkey")
@click.argument("request_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--root-key", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              required=True, help="The organisation root key file (offline machine only).")
@click.option("--not-after", help="Last valid day (default: 365 days from today).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@today_option
def certify_subkey(*, request_file: Path, root_key: Path, not_after: str | None, out: Path,
                   today: str | None) -> None:
    """Certify the subkey in REQUEST_FILE with the root key (run on the offline machine)."""
    from haven.errors import BundlePublishError
    from haven.subkeys import certify_request, parse_request
    from vault.keys import add_days

    day = _today(today)
    if out.exists():
        raise click.ClickException(f"{out} exists: refusing to overwrite it")
    try:
        request = parse_request(_read_json(request_file))
        certificate = certify_request(root_key, request, today=day,
                                      not_after=not_after or add_days(day, 365))
    except BundlePublishError as exc:
        raise click.ClickException(str(exc)) from None
    out.write_text(json.dumps(certificate.to_dict(), indent=2), "utf-8")
    click.echo(f"{request.purpose} subkey of {request.org_id} certified until "
               f"{certificate.not_after} by root {request.root_fingerprint}; written to {out}")


@keys.command("install-subkey")
@instance_option
@click.argument("certificate_file", type=click.Path(dir_okay=False, exists=True,
                                                    path_type=Path))
@today_option
def install_subkey(*, instance_dir: Path, certificate_file: Path, today: str | None) -> None:
    """Put the certified pending subkey in service; a bundle subkey republishes at once."""
    from haven.errors import BundlePublishError
    from haven.subkeys import install_certificate

    config, day = config_or_exit(instance_dir), _today(today)
    try:
        certificate = install_certificate(config, _read_json(certificate_file), today=day)
    except BundlePublishError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{certificate.purpose} subkey installed, certified until "
               f"{certificate.not_after}")
    if certificate.purpose == "bundle":
        published = publish(config, today=day)
        click.echo(f"published bundle serial {published.serial} under the new subkey, "
                   f"expires {published.expires_at}")


commands: list[click.Command] = [keys]
