"""`haven export`: destinations of UN transmission packages and opening a package.

- ``haven export destinations`` — the configured destinations (OHCHR, a mechanism...) and
  whether each recipient key is valid.
- ``haven export add-destination ID --name --channel --recipient age1...`` — add or
  replace one (public keys only; written to the reviewer's transmission-recipients.json).
- ``haven export demo-recipient`` — the demo OHCHR recipient (identity file kept apart).
- ``haven export open-transmission FILE --identity KEYFILE`` — what the destination does:
  decrypt the .age package and print its JSON (``--pdf OUT`` also writes the PDF).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from haven.commands.common import config_or_exit, instance_option


@click.group("export")
def export() -> None:
    """UN transmission packages: destinations and opening a package."""


@export.command("destinations")
@instance_option
def destinations(instance_dir: Path) -> None:
    from reviewer.unworkflow.destinations import destinations_path, load_destinations
    from reviewer.unworkflow.errors import RecipientInvalid

    path = destinations_path(config_or_exit(instance_dir))
    try:
        found = load_destinations(path)
    except RecipientInvalid as exc:
        raise click.ClickException(str(exc)) from None
    if not found:
        click.echo(f"no destinations configured ({path})")
    for d in found:
        state = "ok" if d.recipient_ok else "INVALID RECIPIENT"
        click.echo(f"{d.id}\t{d.name}\t{d.channel}\t{d.recipient}\t{state}")


@export.command("add-destination")
@click.argument("destination_id")
@click.option("--name", required=True)
@click.option("--channel", default="", help="How packages reach it (e.g. encrypted e-mail).")
@click.option("--recipient", required=True, help="The destination's age recipient (age1...).")
@instance_option
def add_destination(destination_id: str, name: str, channel: str, recipient: str,
                    instance_dir: Path) -> None:
    import re

    from reviewer.unworkflow.destinations import Destination, destinations_path, save_destination
    from reviewer.unworkflow.errors import RecipientInvalid
    from reviewer.unworkflow.sealing import parse_recipient

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,47}", destination_id):
        raise click.ClickException("the id is 2-48 lower-case letters, digits or '-'")
    try:
        parse_recipient(recipient)
        path = destinations_path(config_or_exit(instance_dir))
        save_destination(path, Destination(destination_id, name, channel, recipient.strip(),
                                           True))
    except RecipientInvalid as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"destination {destination_id} saved in {path}")


@export.command("demo-recipient")
@instance_option
def demo_recipient(instance_dir: Path) -> None:
    from reviewer.unworkflow.destinations import ensure_demo_recipient

    config_or_exit(instance_dir)
    recipient, identity_path = ensure_demo_recipient(instance_dir)
    click.echo(f"demo OHCHR recipient {recipient}; its identity is in {identity_path}")


@export.command("open-transmission")
@click.argument("package", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--identity", "identity_file", required=True,
              type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The destination's age identity file (AGE-SECRET-KEY-1...).")
@click.option("--pdf", "pdf_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the PDF here (plaintext: the destination's own machine).")
def open_transmission(package: Path, identity_file: Path, pdf_out: Path | None) -> None:
    import pyrage

    from reviewer.unworkflow.sealing import open_package

    identity = next((line for line in identity_file.read_text("ascii").splitlines()
                     if line.startswith("AGE-SECRET-KEY-")), "")
    try:
        members = open_package(package.read_bytes(), identity)
    except (pyrage.DecryptError, pyrage.IdentityError, ValueError) as exc:
        raise click.ClickException(f"the package does not open with this identity: {exc}"
                                   ) from None
    if pdf_out is not None:
        pdf_out.write_bytes(members["package.pdf"])
    sys.stdout.write(members["package.json"].decode("utf-8") + "\n")


commands: list[click.Command] = [export]
