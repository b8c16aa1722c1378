"""The ``haven`` command line.

Each command group lives in its own module under ``haven/commands/`` and exposes
``commands``, a list of click commands; this module only assembles them.
"""

from __future__ import annotations

import importlib
import sys

import click

from haven.errors import HavenError

# Order is the order of `haven --help`.
COMMAND_MODULES = (
    "init",
    "keys",
    "accounts",
    "serve",
    "demo",
    "submit",
    "redact",
    "export",
    "backup",
    "purge",
    "audit",
    "casebase",
    "release",
    "verify_site",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="haven")
def cli() -> None:
    """Haven: end-to-end encrypted reporting of reprisals, review, release and case base."""


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(f"haven.commands.{_name}").commands:
        cli.add_command(_command)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except HavenError as exc:
        click.echo(f"haven: {exc}", err=True)
        sys.exit(2)
