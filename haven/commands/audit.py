"""`haven audit` commands."""

import click

commands: list[click.Command] = []
