"""`haven export` commands."""

import click

commands: list[click.Command] = []
