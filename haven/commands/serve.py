"""`haven serve` commands."""

import click

commands: list[click.Command] = []
