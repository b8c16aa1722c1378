"""`haven casebase` commands."""

import click

commands: list[click.Command] = []
