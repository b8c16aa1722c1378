"""Which app factory serves which Haven component, and the fail-closed fallback.

The apps never import each other; this module is the only place that names all of them,
and it imports each lazily, so `haven serve intake` never loads reviewer or case base code.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from haven.config import HavenConfig, load_config
from haven.errors import ConfigError, HavenError

log = logging.getLogger("haven.apps")


@dataclass(frozen=True)
class AppSpec:
    name: str
    factory: str  # "module:function", called with a HavenConfig
    default_port: int


APPS: Mapping[str, AppSpec] = {
    spec.name: spec
    for spec in (
        AppSpec("intake", "intake.app:create_app", 8080),
        AppSpec("reviewer", "reviewer.app:create_app", 8081),
        AppSpec("casebase", "casebase.app:create_app", 8082),
        AppSpec("vault-api", "vault.api.app:create_app", 8083),
    )
}


def create(name: str, config: HavenConfig) -> Callable:
    """Build the named app's WSGI callable from a loaded configuration."""
    try:
        spec = APPS[name]
    except KeyError:
        raise HavenError(f"unknown app {name!r}: choose one of {', '.join(APPS)}") from None
    module_name, _, function_name = spec.factory.partition(":")
    factory = getattr(importlib.import_module(module_name), function_name)
    return factory(config)


def unavailable_app(reason: str) -> Callable:
    """A WSGI app that answers 503 to everything: what Haven serves when misconfigured.

    The reason goes to the operator's log, never to the client.
    """
    log.error("serving 503: %s", reason)
    body = b"Service unavailable. The operator has been told why.\n"

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        start_response(
            "503 Service Unavailable",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
                ("Retry-After", "300"),
            ],
        )
        return [body]

    return app


def create_or_unavailable(name: str, environ: Mapping[str, str] | None = None) -> Callable:
    """For WSGI servers (gunicorn `haven.wsgi:intake`): fail closed on bad configuration."""
    try:
        return create(name, load_config(environ))
    except (ConfigError, HavenError) as exc:
        return unavailable_app(f"{name}: {exc}")
