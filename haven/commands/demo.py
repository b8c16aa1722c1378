"""`haven demo`: a demo instance with all four apps, for `make run`.

The first run creates the instance (SQLite), demo accounts with random passwords, trusts the
demo organisation's release key in the case base and loads the five public cases through the
normal signed-package ingest. Every run starts intake :8080, reviewer :8081, case base :8082
and the vault API :8083 and prints the credentials. Demo instances are for trying Haven on
one machine, never for real reports: their root key stays online.
"""

from __future__ import annotations

import json
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click

from haven.apps import APPS

CREDENTIALS_FILE = "demo-credentials.json"
# (username, role, on duty) — two coordinators so the two-person rules can be tried.
DEMO_ACCOUNTS = (
    ("coord", "coordinator", True),
    ("vera", "verifier", True),
    ("cora", "coordinator", False),
    ("ada", "admin", False),
)
DEMO_ORG = "haven-demo"


def _demo_config() -> str:
    """A release reaches the demo case base at once (real instances wait out a delay), and
    the reviewer app starts with the current and previous SG reporting periods."""
    import datetime as dt

    from reviewer.unworkflow.cycles import sg_cycles_toml

    today = dt.datetime.now(dt.UTC).date()
    return f"\n[casebase]\npublication_delay_days = 0\n\n[reviewer]\n{sg_cycles_toml(today)}\n"


def _haven_bin() -> str:
    return str(Path(sys.executable).parent / "haven")


def create_demo_instance(directory: Path) -> dict:
    from haven.instance import AccountSpec, create_instance

    specs = [
        AccountSpec(
            username,
            role,
            password=f"demo-{secrets.token_urlsafe(9)}",
            passphrase=f"unlock-{secrets.token_urlsafe(6)}" if role != "admin" else None,
            on_duty=on_duty,
        )
        for username, role, on_duty in DEMO_ACCOUNTS
    ]
    created = create_instance(
        directory, org_id=DEMO_ORG, accounts_to_create=specs, extra_config=_demo_config()
    )
    from haven.demo_reports import seed_demo_reports
    from reviewer.unworkflow.destinations import ensure_demo_recipient

    demo_receipts = seed_demo_reports(created.config)

    recipient, identity_path = ensure_demo_recipient(directory)
    credentials = {
        "fingerprint": created.fingerprint,
        "ohchr_demo": {"recipient": recipient, "identity": str(identity_path)},
        "accounts": [
            {
                "username": spec.username,
                "roles": list(info.roles),
                "password": spec.password,
                "passphrase": spec.passphrase,
                "totp_secret": info.totp_secret,
                "recovery_codes": list(info.recovery_codes),
            }
            for spec, info in zip(specs, created.accounts, strict=True)
        ],
        "demo_receipts": demo_receipts,
    }
    path = directory / CREDENTIALS_FILE
    path.write_text(json.dumps(credentials, indent=2), "utf-8")
    path.chmod(0o600)
    _seed_casebase(directory)
    return credentials


def _seed_casebase(directory: Path) -> None:
    haven = _haven_bin()
    instance = ["--instance", str(directory)]
    subprocess.run([haven, "casebase", "init", *instance], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [
            haven,
            "casebase",
            "seed-public-cases",
            "--org",
            DEMO_ORG,
            "--trust",
            "--org-key",
            str(directory / "keys" / "release.key"),
            *instance,
        ],
        check=True,
    )
    # The release gate asks the case base for k-anonymity counts with a partner token.
    subprocess.run([haven, "release", "link-casebase", *instance], check=True)  # noqa: S603


def _print_credentials(credentials: dict, *, serving: bool) -> None:
    click.echo("")
    click.secho("Haven demo is running" if serving else "Haven demo instance", bold=True)
    for name, spec in APPS.items():
        click.echo(f"  {name:10} http://127.0.0.1:{spec.default_port}")
    click.echo(f"\nOrganisation fingerprint: {credentials['fingerprint']}")
    click.echo("Demo reviewer accounts (log in at http://127.0.0.1:8081):")
    for account in credentials["accounts"]:
        click.echo(
            f"  {account['username']:6} {'+'.join(account['roles']):12} "
            f"password {account['password']}"
            + (f"  key passphrase {account['passphrase']}" if account["passphrase"] else "")
        )
        click.echo(f"         TOTP secret {account['totp_secret']}")
    if "ohchr_demo" in credentials:
        click.echo(f"\nDemo OHCHR recipient (transmission packages open with "
                   f"{credentials['ohchr_demo']['identity']})")
    if credentials.get("demo_receipts"):
        click.echo("\nFictional demo reports; try the reporter inbox (http://127.0.0.1:8080) "
                   "with a receipt:")
        for receipt in credentials["demo_receipts"]:
            click.echo(f"  {receipt}")
    click.echo("\nCurrent TOTP code: .venv/bin/haven demo-totp USERNAME")
    if serving:
        click.echo("Stop with Ctrl-C.")


def _wait_for_port(port: int, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


@click.command("demo")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".haven-demo"),
    show_default=True,
)
@click.option("--no-serve", is_flag=True, help="Create the instance only.")
def demo(directory: Path, no_serve: bool) -> None:
    """Create (once) and run a demo instance with all four apps."""
    directory = directory.resolve()
    credentials_path = directory / CREDENTIALS_FILE
    if credentials_path.exists():
        credentials = json.loads(credentials_path.read_text("utf-8"))
    else:
        click.echo(f"Creating a demo instance in {directory} …")
        credentials = create_demo_instance(directory)
    if no_serve:
        _print_credentials(credentials, serving=False)
        return
    processes = []
    for name, spec in APPS.items():
        processes.append(
            subprocess.Popen(  # noqa: S603
                [_haven_bin(), "serve", name, "--dev", "--instance", str(directory)]
            )
        )
        if not _wait_for_port(spec.default_port):
            click.secho(f"{name} did not start on :{spec.default_port}", fg="red", err=True)
    _print_credentials(credentials, serving=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


@click.command("demo-totp")
@click.argument("username")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".haven-demo"),
    show_default=True,
)
def demo_totp(username: str, directory: Path) -> None:
    """Print the current TOTP code of a demo account."""
    import pyotp

    credentials = json.loads((directory / CREDENTIALS_FILE).read_text("utf-8"))
    for account in credentials["accounts"]:
        if account["username"] == username:
            click.echo(pyotp.TOTP(account["totp_secret"]).now())
            return
    raise click.ClickException(f"no demo account {username!r}")


commands = [demo, demo_totp]
