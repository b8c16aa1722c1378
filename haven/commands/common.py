"""Options and helpers shared by the `haven` commands."""

from __future__ import annotations

from pathlib import Path

import click

from haven.config import HavenConfig, load_config
from haven.errors import ConfigError

instance_option = click.option(
    "--instance",
    "instance_dir",
    envvar="HAVEN_INSTANCE",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The instance directory made by `haven init` (or set HAVEN_INSTANCE).",
)


def config_or_exit(instance_dir: Path) -> HavenConfig:
    try:
        return load_config(instance_dir=instance_dir)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
