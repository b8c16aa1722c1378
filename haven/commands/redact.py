"""`haven redact` commands."""

import click

commands: list[click.Command] = []
