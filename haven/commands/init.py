"""`haven init` commands."""

import click

commands: list[click.Command] = []
