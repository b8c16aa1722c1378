"""`haven release`: the reviewer side's outbox to the case base, from the command line.

- ``haven release status``   every queued package: kind, record, version, state, error
- ``haven release deliver``  send due tombstones now (releases wait for an unlocked reviewer,
  who re-checks the reporter's signed consent at send time, S20)
- ``haven release link-casebase``  single host (demo): a partner account of this
  organisation in the local case base and its API token in ``keys/casebase-token.key``,
  for the release gate's k-anonymity query. On separate hosts run ``haven casebase
  add-partner`` and ``haven casebase token`` on the case base host and copy the token.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import click

from haven.commands.common import config_or_exit, instance_option


def _runtime(instance_dir: Path):  # type: ignore[no-untyped-def]
    from reviewer.release.runtime import build_runtime
    from reviewer.release.settings import release_settings

    return build_runtime(release_settings(config_or_exit(instance_dir)))


@click.group("release")
def release() -> None:
    """The release outbox to the case base (packages and tombstones)."""


@release.command("status")
@instance_option
def status(instance_dir: Path) -> None:
    """List the outbox (no report ids are shown)."""
    items = _runtime(instance_dir).outbox.items()
    if not items:
        click.echo("the outbox is empty")
    for item in items:
        error = f"  ({item.last_error})" if item.last_error else ""
        click.echo(f"{item.kind:9} {item.record_id} v{item.version:<3} {item.status:9} "
                   f"attempts {item.attempts}{error}")


@release.command("deliver")
@instance_option
def deliver(instance_dir: Path) -> None:
    """Send due tombstones now; releases wait for a consent re-check in the app."""
    runtime = _runtime(instance_dir)
    runtime.outbox.retry_now()
    outcomes = [d.outcome for d in runtime.outbox.deliver_due(runtime.post)]
    click.echo(", ".join(f"{outcomes.count(o)} {o}" for o in sorted(set(outcomes)))
               or "nothing due")


@release.command("link-casebase")
@click.option("--username", default=None, help="Partner account name (default ORG-gate).")
@instance_option
def link_casebase(username: str | None, instance_dir: Path) -> None:
    """Single host: let the release gate ask the local case base for k-anonymity counts."""
    from casebase.accounts import create_partner, issue_token
    from casebase.config import casebase_config
    from casebase.db import make_engine, migrate, session_factory
    from casebase.errors import CasebaseError
    from vault.canonical import utc_day

    config = config_or_exit(instance_dir)
    org_id = json.loads(config.organisation_path.read_text("utf-8"))["org_id"]
    settings = casebase_config(config)
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        with session_factory(engine)() as session:
            partner = create_partner(session, username or f"{org_id}-gate", org_id,
                                     secrets.token_urlsafe(24), utc_day())
            token = issue_token(session, partner, "release gate", utc_day())
            session.commit()
    except CasebaseError as exc:
        raise click.ClickException(f"{exc.code}: {exc}") from None
    finally:
        engine.dispose()
    path = config.keys_dir / "casebase-token.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
    click.echo(f"partner {partner.username} created; its token is in {path}")


commands: list[click.Command] = [release]
