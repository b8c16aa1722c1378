"""`haven verify_site` commands."""

import click

commands: list[click.Command] = []
