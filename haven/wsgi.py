"""WSGI entry points for gunicorn: `gunicorn 'haven.wsgi:intake()'` and so on.

Each reads the instance from HAVEN_INSTANCE and answers 503 when the configuration or the
keys are wrong, instead of starting half-configured.
"""

from haven.apps import create_or_unavailable


def intake():
    return create_or_unavailable("intake")


def reviewer():
    return create_or_unavailable("reviewer")


def casebase():
    return create_or_unavailable("casebase")


def vault_api():
    return create_or_unavailable("vault-api")
