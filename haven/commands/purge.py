"""`haven purge` commands."""

import click

commands: list[click.Command] = []
