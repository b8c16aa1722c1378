"""gunicorn settings for Haven's vault-api process (see deploy/README.md)."""

bind = "127.0.0.1:9083"
workers = 2
threads = 4
worker_tmp_dir = "/dev/shm"  # noqa: S108 - heartbeat files in memory (tmpfs), never on disk
accesslog = None  # no access log: it would carry client addresses (S23)
errorlog = "-"  # to the journal; Haven's own logs carry no IPs, receipts or report content
loglevel = "warning"
timeout = 120
graceful_timeout = 30
limit_request_line = 8190
forwarded_allow_ips = "127.0.0.1"
