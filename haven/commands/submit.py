"""`haven submit` commands."""

import click

commands: list[click.Command] = []
