"""What the intake may log (S23): no client address, receipt, lookup id, report id or time.

Werkzeug's request log (one line per request with the client address) is switched off; the
app logs only the kind of a failure, never request data. gunicorn runs without an access log
(haven/commands/serve.py) and nginx without one (deploy/nginx).
"""

from __future__ import annotations

import logging


def quiet_request_logs() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # flask-limiter logs the rate-limit key on breach at INFO; keep it above that.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
    logging.getLogger("flask_limiter").setLevel(logging.WARNING)
