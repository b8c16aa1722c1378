"""`haven serve APP`: run one of Haven's apps (gunicorn, or Flask's server with --dev)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click

from haven.apps import APPS, create
from haven.commands.common import config_or_exit, instance_option


@click.command("serve")
@click.argument("app_name", metavar="APP", type=click.Choice(sorted(APPS)))
@instance_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, help="Default 8080-8083 by app.")
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn.")
@click.option("--workers", type=int, default=2, show_default=True, help="gunicorn workers.")
@click.option("--vault", "vault_url", help="Vault API URL (reviewer app; workstation mode).")
def serve(
    *,
    app_name: str,
    instance_dir: Path,
    host: str,
    port: int | None,
    dev: bool,
    workers: int,
    vault_url: str | None,
) -> None:
    """Serve APP: intake, reviewer, casebase or vault-api."""
    config = config_or_exit(instance_dir)
    if vault_url:
        from dataclasses import replace

        config = replace(config, vault_api_url=vault_url)
    port = port or APPS[app_name].default_port
    if dev:
        # No request log: a Werkzeug access log line carries the client address (S23).
        import logging

        from werkzeug.serving import run_simple

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        run_simple(host, port, create(app_name, config), threaded=True, use_reloader=False)
        return
    # Each worker builds its own app after the fork: a database connection opened in the
    # master would be shared by every worker.
    make_app = partial(create, app_name, config)
    if app_name == "reviewer":
        # Sessions and unlocked keys live in one process's memory (S13): one worker, threads.
        _run_gunicorn(make_app, f"{host}:{port}", 1, threads=8)
        return
    _run_gunicorn(make_app, f"{host}:{port}", workers)


def _run_gunicorn(make_app, bind: str, workers: int, threads: int = 1) -> None:
    from gunicorn.app.base import BaseApplication

    class HavenGunicorn(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            if threads > 1:
                self.cfg.set("threads", threads)
            self.cfg.set("accesslog", None)  # no access log: it would carry client IPs (S23)
            self.cfg.set("timeout", 120)

        def load(self):
            return make_app()

    HavenGunicorn().run()


commands = [serve]
