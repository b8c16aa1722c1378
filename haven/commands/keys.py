"""`haven keys` commands."""

import click

commands: list[click.Command] = []
