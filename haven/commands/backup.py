"""`haven backup` commands."""

import click

commands: list[click.Command] = []
