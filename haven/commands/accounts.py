"""`haven accounts add|list|reset-totp|unlock|offboard` — reviewer accounts on the vault host.

The same functions the vault API's admin routes use (``vault.reviewer_store``), for the
operator at the console. A reviewer's keypair is made here only when asked (``--with-key``):
its secret half is wrapped at once with the passphrase the reviewer types, and only the
wrapped bytes are stored. Without ``--with-key`` the reviewer registers a key from the
reviewer app (``POST /api/v1/me/keys``). Either way the key becomes active when a new signed
bundle is published (``GET /api/v1/bundle/draft`` → sign offline → ``PUT /api/v1/bundle``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click

from haven.commands.common import config_or_exit, instance_option
from haven.config import HavenConfig

CLI_ACTOR = "cli"


@contextlib.contextmanager
def _vault_session(config: HavenConfig) -> Iterator[Any]:
    from vault.db import make_engine, migrate, session_factory, transaction

    migrate(config.database_url)
    engine = make_engine(config.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _fail_on_vault_errors(action):
    from functools import wraps

    @wraps(action)
    def run(*args, **kwargs):
        from vault.errors import VaultError

        try:
            return action(*args, **kwargs)
        except VaultError as exc:
            raise click.ClickException(f"{exc.code}: {exc}") from None

    return run


def _audit(session: Any, action: str, detail: dict[str, Any]) -> None:
    from vault import audit

    audit.append(session, actor=CLI_ACTOR, action=action, detail=detail)


def _account_by_name(session: Any, username: str) -> Any:
    from vault import reviewer_store

    found = reviewer_store.find_account(session, username)
    if found is None:
        raise click.ClickException(f"no account named {username!r}")
    return found


def _show_enrolment(username: str, secret: str, codes: tuple[str, ...]) -> None:
    import segno

    from vault import accounts

    uri = accounts.totp_provisioning_uri(secret, username)
    click.echo("Hand these to the person over a trusted channel; they are not shown again.")
    click.echo(f"TOTP secret: {secret}")
    click.echo(f"TOTP URI:    {uri}")
    segno.make(uri, error="m").terminal(compact=True)
    click.echo("Recovery codes (each works once):")
    for code in codes:
        click.echo(f"  {code}")


@click.group("accounts")
def accounts_group() -> None:
    """Reviewer and admin accounts of the vault API."""


@accounts_group.command("add")
@instance_option
@click.argument("username")
@click.option("--role", type=click.Choice(["verifier", "coordinator", "admin"]), required=True)
@click.option("--also-admin", is_flag=True, help="Give a reviewer the admin role as well.")
@click.option("--on-duty", is_flag=True, help="Put the reviewer in the triage set.")
@click.option("--with-key", is_flag=True,
              help="Make the reviewer's keypair here, wrapped with their passphrase.")
@click.password_option("--password", prompt="Login password", help="At least 12 characters.")
@_fail_on_vault_errors
def add(instance_dir, username, role, also_admin, on_duty, with_key, password) -> None:  # noqa: PLR0917 - click passes options positionally
    """Create an account; prints its TOTP enrolment and recovery codes once."""
    from vault import accounts, reviewer_store

    config = config_or_exit(instance_dir)
    policy = accounts.PasswordPolicy.from_section(config.section("vault_api"))
    roles = (role, "admin") if also_admin else (role,)
    reviewer = role != "admin"
    with _vault_session(config) as session:
        created = reviewer_store.create_account(session, username=username, roles=roles,
                                                password=password, policy=policy,
                                                on_duty=on_duty)
        key_id = None
        if reviewer and with_key:
            key_id = _make_key(session, created.account_id)
        _audit(session, "account_create", {"account_id": created.account_id,
                                           "roles": list(created.roles)})
    click.echo(f"Created {username} ({', '.join(created.roles)}), id {created.account_id}")
    if key_id:
        click.echo(f"Key {key_id} registered (pending until the next signed bundle).")
    elif reviewer:
        click.echo("No key yet: the reviewer registers one from the reviewer app.")
    _show_enrolment(username, created.totp_secret, created.recovery_codes)


def _make_key(session: Any, account_id: str) -> str:
    from vault import accounts, reviewer_store
    from vault.keys import ReviewerKeyPair

    passphrase = click.prompt("Key passphrase (typed by the reviewer, not the login password)",
                              hide_input=True, confirmation_prompt=True)
    if len(passphrase) < accounts.MIN_PASSWORD_LENGTH:
        raise click.ClickException("a key passphrase needs at least 12 characters")
    pair = ReviewerKeyPair.generate()
    wrapped, kdf = accounts.wrap_secret_keys(
        passphrase, pair.key_id, accounts.SecretKeys(pair.x25519_sk, pair.ed25519_seed))
    reviewer_store.add_key(session, account_id, key_id=pair.key_id, x25519_pk=pair.x25519_pk,
                           ed25519_pk=pair.ed25519_pk, wrapped_secret_key=wrapped, kdf=kdf)
    return pair.key_id


@accounts_group.command("list")
@instance_option
@_fail_on_vault_errors
def list_accounts(instance_dir) -> None:
    """Usernames, roles, state, duty and keys (no secrets)."""
    from vault import reviewer_store

    config = config_or_exit(instance_dir)
    with _vault_session(config) as session:
        views = reviewer_store.list_accounts(session)
    if not views:
        click.echo("No accounts.")
    for view in views:
        keys = ", ".join(f"{k.key_id[:12]}…({k.state})" for k in view.keys) or "no key"
        duty = " on duty" if view.on_duty else ""
        click.echo(f"{view.username:<24} {','.join(view.roles):<22} {view.state}{duty}  {keys}")


@accounts_group.command("reset-totp")
@instance_option
@click.argument("username")
@_fail_on_vault_errors
def reset_totp(instance_dir, username) -> None:
    """New TOTP secret and recovery codes; every session of the account ends."""
    from vault import reviewer_store

    config = config_or_exit(instance_dir)
    with _vault_session(config) as session:
        account = _account_by_name(session, username)
        secret, codes = reviewer_store.reset_totp(session, account.account_id)
        _audit(session, "totp_reset", {"account_id": account.account_id})
    _show_enrolment(username, secret, codes)


@accounts_group.command("unlock")
@instance_option
@click.argument("username")
@_fail_on_vault_errors
def unlock(instance_dir, username) -> None:
    """Clear a login lockout."""
    from vault import reviewer_store

    config = config_or_exit(instance_dir)
    with _vault_session(config) as session:
        account = _account_by_name(session, username)
        reviewer_store.unlock_account(session, account.account_id)
        _audit(session, "account_unlock", {"account_id": account.account_id})
    click.echo(f"{username} can log in again.")


@accounts_group.command("offboard")
@instance_option
@click.argument("username")
@click.confirmation_option(prompt="Offboard: delete wrapped keys, stanzas, TOTP and sessions?")
@_fail_on_vault_errors
def offboard(instance_dir, username) -> None:
    """S6: wrapped keys and stanzas deleted, TOTP and tokens revoked, keys retired."""
    from vault import reviewer_store

    config = config_or_exit(instance_dir)
    with _vault_session(config) as session:
        account = _account_by_name(session, username)
        result = reviewer_store.offboard(session, account.account_id)
        _audit(session, "offboard", {"account_id": account.account_id,
                                     "retired_keys": list(result.retired_key_ids),
                                     "deleted_stanzas": result.deleted_stanzas})
    click.echo(f"Offboarded {username}: {result.deleted_stanzas} stanzas deleted, "
               f"keys retired: {', '.join(result.retired_key_ids) or 'none'}.")
    if result.bundle_republish_required:
        click.echo("Publish a new signed bundle so the key leaves it: "
                   "GET /api/v1/bundle/draft, sign offline, PUT /api/v1/bundle.")


commands: list[click.Command] = [accounts_group]
