"""`haven init DIR`: create an instance with its keys, database and first administrator."""

from __future__ import annotations

from pathlib import Path

import click

from haven.errors import HavenError


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--org-id", required=True, help="Short stable id of the organisation, e.g. 'ishr'.")
@click.option("--admin", "admin_name", default="admin", show_default=True)
@click.option(
    "--admin-password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Password of the first administrator (prompted).",
)
@click.option("--database-url", envvar="HAVEN_DATABASE_URL", help="Vault database (PostgreSQL).")
@click.option("--casebase-database-url", envvar="HAVEN_CASEBASE_DATABASE_URL")
def init(
    *,
    directory: Path,
    org_id: str,
    admin_name: str,
    admin_password: str,
    database_url: str | None,
    casebase_database_url: str | None,
) -> None:
    """Create an instance in DIRECTORY."""
    from haven.instance import ROOT_KEY_FILE, AccountSpec, create_instance

    try:
        created = create_instance(
            directory,
            org_id=org_id,
            accounts_to_create=[AccountSpec(admin_name, "admin", admin_password)],
            database_url=database_url,
            casebase_database_url=casebase_database_url,
        )
    except HavenError as exc:
        raise click.ClickException(str(exc)) from None
    except ValueError as exc:  # a weak password, a bad username
        raise click.ClickException(str(exc)) from None
    admin = created.accounts[0]
    click.echo(f"Instance created in {created.config.instance_dir}")
    click.echo(f"Organisation fingerprint: {created.fingerprint}")
    click.echo("  Publish it through channels other than the site (S10).")
    click.echo(f"Administrator {admin.username}: TOTP secret {admin.totp_secret}")
    click.echo("  Recovery codes (shown once): " + " ".join(admin.recovery_codes))
    click.secho(
        f"Move keys/{ROOT_KEY_FILE} to the offline machine now and delete it here "
        "(docs/key-ceremony.md).",
        fg="yellow",
    )


commands = [init]
