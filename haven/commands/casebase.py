"""`haven casebase ...`: set up and run the shared case base from the command line.

Every record still enters through ``casebase.ingest.ingest``; these commands only add the
operator's side: migrations, the trust list (two administrators sign each change),
seeding the published cases, snapshots, the annual report and partner accounts.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from haven.commands.common import config_or_exit, instance_option

_path = click.Path(dir_okay=False, path_type=Path, exists=True)


@contextlib.contextmanager
def _casebase(instance_dir: Path) -> Iterator[tuple]:
    """(session, settings, today) with the database migrated; commits on success."""
    from casebase.config import casebase_config
    from casebase.db import make_engine, migrate, session_factory
    from casebase.errors import CasebaseError
    from vault.canonical import utc_day

    settings = casebase_config(config_or_exit(instance_dir))
    engine = make_engine(settings.database_url)
    migrate(engine)
    session = session_factory(engine)()
    try:
        yield session, settings, utc_day()
        session.commit()
    except CasebaseError as exc:
        session.rollback()
        raise click.ClickException(f"{exc.code}: {exc}") from None
    finally:
        session.close()
        engine.dispose()


def _signers(session, keys_dir: Path, admin_keys: tuple[Path, ...]):  # type: ignore[no-untyped-def]
    from casebase.bootstrap import admin_signers, default_admin_paths

    signers = admin_signers(session, list(admin_keys) or default_admin_paths(keys_dir))
    if len(signers) < 2:  # noqa: PLR2004
        raise click.ClickException(
            "a trust change needs the keys of two registered administrators (--admin-key)")
    return signers


admin_key_option = click.option(
    "--admin-key", "admin_keys", multiple=True, type=_path,
    help="An administrator's key file (twice). Default: the instance's casebase-admin-*.key.")


@click.group("casebase")
def casebase() -> None:
    """The shared case base: trust, ingest, seed, statistics, partners."""


@casebase.command("init")
@instance_option
def init(instance_dir: Path) -> None:
    """Migrate the database; make the feed key and two administrator keys if missing."""
    from casebase.bootstrap import bootstrap_admins
    from casebase.feed import load_or_create_feed_key

    with _casebase(instance_dir) as (session, settings, today):
        made = bootstrap_admins(session, settings.keys_dir, today)
        load_or_create_feed_key(settings.feed_key_path)
    for admin_id, path in made:
        click.echo(f"administrator {admin_id}: key in {path}")
    click.echo("case base ready")


@casebase.command("trust")
@click.argument("org_id")
@click.argument("public_key")
@click.option("--root", is_flag=True, help="KEY is the organisation's root key: accept the "
              "release subkeys it certifies.")
@click.option("--not-before", help="First valid day (default today).")
@click.option("--not-after", help="Last valid day (default: no end).")
@admin_key_option
@instance_option
def trust(*, org_id: str, public_key: str, root: bool, not_before: str | None,
          not_after: str | None, admin_keys: tuple[Path, ...], instance_dir: Path) -> None:
    """Trust PUBLIC_KEY (base64url Ed25519) to release records for ORG_ID."""
    from casebase.bootstrap import change_trust

    with _casebase(instance_dir) as (session, settings, today):
        statement = {"action": "add", "org_id": org_id, "release_pk": public_key,
                     "key_kind": "root" if root else "release",
                     "not_before": not_before or today, "not_after": not_after, "day": today}
        change_trust(session, statement, _signers(session, settings.keys_dir, admin_keys), today)
    click.echo(f"trusted {'root' if root else 'release'} key for {org_id}")


@casebase.command("revoke")
@click.argument("org_id")
@click.argument("public_key")
@click.option("--compromised-since", help="Quarantine records this key brought in from this "
              "day on (YYYY-MM-DD).")
@admin_key_option
@instance_option
def revoke(*, org_id: str, public_key: str, compromised_since: str | None,
           admin_keys: tuple[Path, ...], instance_dir: Path) -> None:
    """Revoke a release (or root) key of ORG_ID."""
    from casebase.bootstrap import change_trust

    with _casebase(instance_dir) as (session, settings, today):
        statement = {"action": "revoke", "org_id": org_id, "release_pk": public_key,
                     "compromised_since": compromised_since, "day": today}
        change_trust(session, statement, _signers(session, settings.keys_dir, admin_keys), today)
    click.echo(f"revoked; quarantined from {compromised_since}" if compromised_since
               else "revoked")


@casebase.command("rotate")
@click.argument("org_id")
@click.option("--old-key", type=_path, required=True, help="The current release key file.")
@click.option("--new-key", type=_path, required=True, help="The new release key file.")
@click.option("--not-after", help="Last valid day of the new key.")
@admin_key_option
@instance_option
def rotate(*, org_id: str, old_key: Path, new_key: Path, not_after: str | None,
           admin_keys: tuple[Path, ...], instance_dir: Path) -> None:
    """Move ORG_ID from one release key to another (signed by both keys and two admins)."""
    from casebase.bootstrap import change_trust
    from casebase.keyfiles import read_signing_key
    from casebase.trust import sign_rotation

    with _casebase(instance_dir) as (session, settings, today):
        statement = {**sign_rotation(org_id, read_signing_key(old_key),
                                     read_signing_key(new_key), today),
                     "not_after": not_after}
        change_trust(session, statement, _signers(session, settings.keys_dir, admin_keys), today)
    click.echo("rotated")


@casebase.command("ingest")
@click.argument("package", type=click.File("rb"))
@instance_option
def ingest(package, instance_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Ingest one signed package or tombstone from a file (- for standard input)."""
    from casebase.ingest import ingest as ingest_package

    with _casebase(instance_dir) as (session, settings, today):
        result = ingest_package(session, package.read(), today=today,
                                publication_delay_days=settings.publication_delay_days,
                                threshold=settings.suppression_threshold)
    click.echo(json.dumps(result.as_dict()))


@casebase.command("seed-public-cases")
@click.option("--org-key", type=_path, required=True, help="The release key file to sign with.")
@click.option("--org", "org_id", default="haven-public-cases", show_default=True)
@click.option("--trust/--no-trust", "trust_it", default=False,
              help="Also put the key on the trust list (with the instance's admin keys).")
@admin_key_option
@instance_option
def seed_public_cases(*, org_key: Path, org_id: str, trust_it: bool,
                      admin_keys: tuple[Path, ...], instance_dir: Path) -> None:
    """Sign the five published cases as packages and ingest them."""
    from casebase.bootstrap import is_trusted, seed_public_cases, trust_key
    from casebase.keyfiles import public_key_text, read_signing_key

    key = read_signing_key(org_key)
    with _casebase(instance_dir) as (session, settings, today):
        if trust_it and not is_trusted(session, public_key_text(key)):
            trust_key(session, org_id, public_key_text(key),
                      _signers(session, settings.keys_dir, admin_keys), today)
            session.flush()
        results = seed_public_cases(session, key, today, org_id=org_id)
    for result in results:
        click.echo(f"{result.record_id} {result.outcome}")


@casebase.command("publish-due")
@instance_option
def publish_due(instance_dir: Path) -> None:
    """Publish the releases whose publication delay has passed."""
    from casebase.ingest import publish_due as publish

    with _casebase(instance_dir) as (session, _settings, today):
        count = publish(session, today)
    click.echo(f"{count} published")


@casebase.command("snapshot")
@instance_option
def snapshot(instance_dir: Path) -> None:
    """Recompute the statistics tables (run it on a schedule)."""
    from casebase.stats import take_snapshot

    with _casebase(instance_dir) as (session, settings, today):
        take_snapshot(session, today, settings.suppression_threshold)
    click.echo(f"snapshot {today}")


@casebase.command("report")
@click.option("--year", type=int, required=True)
@click.option("--tier", type=click.Choice(["public", "partner"]), default="public",
              show_default=True)
@instance_option
def report(year: int, tier: str, instance_dir: Path) -> None:
    """Print the Secretary-General's report figures for YEAR from the latest snapshot."""
    from casebase.stats import latest_snapshot, take_snapshot
    from casebase.trends import annual_report

    with _casebase(instance_dir) as (session, settings, today):
        data = latest_snapshot(session, tier)
        if data is None:
            take_snapshot(session, today, settings.suppression_threshold)
            data = latest_snapshot(session, tier)
    for line in annual_report(data or {}, year, lambda text: text):
        click.echo(line)


@casebase.command("add-partner")
@click.argument("username")
@click.option("--org", "org_id", required=True, help="The partner's organisation id.")
@click.password_option(envvar="HAVEN_PARTNER_PASSWORD")
@instance_option
def add_partner(username: str, org_id: str, password: str, instance_dir: Path) -> None:
    """Create a partner account (argon2id password)."""
    from casebase.accounts import create_partner

    with _casebase(instance_dir) as (session, _settings, today):
        create_partner(session, username, org_id, password, today)
    click.echo(f"partner {username} created")


@casebase.command("token")
@click.argument("username")
@click.option("--label", default="api", show_default=True)
@click.option("--revoke-all", is_flag=True, help="Revoke the partner's tokens instead.")
@instance_option
def token(username: str, label: str, revoke_all: bool, instance_dir: Path) -> None:
    """Issue an API token for a partner (shown once), or revoke all of them."""
    import sqlalchemy as sa

    from casebase.accounts import issue_token, revoke_tokens
    from casebase.models import Partner

    with _casebase(instance_dir) as (session, _settings, today):
        if revoke_all:
            click.echo(f"{revoke_tokens(session, username)} tokens revoked")
            return
        partner = session.scalar(sa.select(Partner).where(Partner.username == username))
        if partner is None:
            raise click.ClickException(f"no partner {username!r}")
        secret = issue_token(session, partner, label, today)
    sys.stdout.write(secret + "\n")


commands: list[click.Command] = [casebase]
