"""`haven purge`: apply retention (S6) — expired reports, replies the reporter read
``[vault] reply_retention_days`` ago, abandoned uploads, orphan files."""

from __future__ import annotations

from pathlib import Path

import click

from haven.commands.audit import audit_key, open_vault
from haven.commands.common import config_or_exit, instance_option


@click.command("purge")
@instance_option
@click.option("--dry-run", is_flag=True, help="List what is due; change nothing.")
@click.option("--today", help="Purge as of this UTC day (YYYY-MM-DD); default today.")
def purge(*, instance_dir: Path, dry_run: bool, today: str | None) -> None:
    """Delete reports past their retention, replies the reporter read, abandoned uploads
    and orphan files; VACUUM."""
    from vault.canonical import utc_day
    from vault.errors import VaultError
    from vault.retention import run_purge

    config = config_or_exit(instance_dir)
    key = audit_key(config)
    try:
        with open_vault(config) as vault:
            summary = run_purge(vault.factory, vault.backend, today=today or utc_day(),
                                retention_days=config.retention_days, audit_key=key,
                                dry_run=dry_run,
                                reply_retention_days=config.reply_retention_days)
    except VaultError as exc:
        raise click.ClickException(str(exc)) from None
    if dry_run:
        click.echo(f"{summary.reports} report(s) due (dry run, nothing changed)")
        click.echo(f"{summary.replies.replies} reply(ies) read by the reporter "
                   f"{config.reply_retention_days} or more days ago")
        for candidate in summary.candidates:
            click.echo(f"  {candidate.report_id}  {candidate.state}  "
                       f"last change {candidate.last_change_day}  due {candidate.due_day}")
        return
    click.echo(
        f"purged {summary.reports} report(s) and {summary.blobs} blob file(s); "
        f"{summary.replies.replies} reply(ies) the reporter read deleted; "
        f"{summary.unattached_blobs} abandoned blob(s), {summary.expired_uploads} "
        f"expired upload(s), {summary.swept.temp_files + summary.swept.orphan_blobs} "
        "orphan file(s) removed; database vacuumed"
    )


commands: list[click.Command] = [purge]
