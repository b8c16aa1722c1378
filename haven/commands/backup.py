"""`haven backup` and `haven restore` (S24): age-encrypted to two or more custodians.

What goes into a backup and what stays out (runtime secrets, signing subkeys) is decided
and explained in ``vault.backup``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from haven.commands.common import config_or_exit, instance_option


@click.command("backup")
@instance_option
@click.option("--to", "out_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The .age file to write.")
@click.option("--recipient", "recipients", multiple=True, required=True,
              help="An offline custodian's age public key (age1…); give two or more.")
def backup(*, instance_dir: Path, out_path: Path, recipients: tuple[str, ...]) -> None:
    """Snapshot the vault (database, blobs, public files) into an encrypted archive."""
    from vault.backup import BackupSources, create_backup
    from vault.db import migrate
    from vault.errors import VaultError

    config = config_or_exit(instance_dir)
    sources = BackupSources(
        instance_dir=config.instance_dir, instance_id=config.instance_id,
        database_url=config.database_url, blob_dir=config.blob_dir,
        public_dir=config.public_dir, keys_dir=config.keys_dir,
    )
    try:
        migrate(config.database_url)
        summary = create_backup(sources, out_path, recipients)
    except VaultError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written to {summary.path}: {summary.database} database at revision "
               f"{summary.revision}, {summary.blobs} blob(s), encrypted to "
               f"{summary.recipients} recipients")
    horizon = max(config.retention_days.values())
    destroy_by = dt.date.today() + dt.timedelta(days=horizon)
    click.echo(f"destroy this backup by {destroy_by.isoformat()} (the purge horizon, "
               f"{horizon} days, S24)")
    if summary.missing_blobs:
        click.echo(f"note: {len(summary.missing_blobs)} blob(s) were purged while the backup "
                   "ran and are not in it", err=True)


@click.command("restore")
@click.option("--from", "in_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--identity", "identity_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A custodian's age identity file (AGE-SECRET-KEY-…).")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def restore(*, in_path: Path, identity_path: Path, target: Path) -> None:
    """Restore a backup into a new instance directory TARGET.

    A PostgreSQL backup is loaded into the empty database named by HAVEN_DATABASE_URL.
    The audit chain and every blob are checked after the restore.
    """
    from vault.backup import load_identities
    from vault.errors import VaultError
    from vault.restore import restore_backup

    try:
        identities = load_identities(identity_path)
        summary = restore_backup(in_path, identities, target,
                                 database_url=os.environ.get("HAVEN_DATABASE_URL"))
    except VaultError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored into {summary.instance_dir}: {summary.database} database at "
               f"revision {summary.revision}, {summary.blobs} blob(s)")
    if summary.database == "postgresql":
        click.echo("the vault database is the one HAVEN_DATABASE_URL names: keep it set, or "
                   "write it into [vault] database_url of the restored haven.toml")
    _check_restored(target)


def _check_restored(target: Path) -> None:
    from haven.commands.audit import checkpoint_verify_key, open_vault
    from vault.audit import verify_log
    from vault.errors import VaultError

    config = config_or_exit(target)
    try:
        key = checkpoint_verify_key(config)
    except click.ClickException:
        click.echo("audit chain not checked: no checkpoint public key in public/ (certify "
                   "a new checkpoint subkey, then run `haven audit verify`)", err=True)
        return
    try:
        with open_vault(config) as vault, vault.factory() as session:
            state = verify_log(session, key)
    except VaultError as exc:
        raise click.ClickException(f"restored audit log does not verify: {exc}") from None
    click.echo(f"audit log OK: {state.size} entries, {state.heads_checked} signed heads")
    click.echo("next: certify new bundle/release/manifest/checkpoint subkeys from the "
               "offline root and a new session secret (`haven keys`); they are never backed up")


commands: list[click.Command] = [backup, restore]
