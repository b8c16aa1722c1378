"""`haven demo` commands."""

import click

commands: list[click.Command] = []
