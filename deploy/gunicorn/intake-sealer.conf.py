"""gunicorn settings for Haven's intake-sealer process (see deploy/README.md)."""

bind = "127.0.0.1:9084"
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
# The no-JavaScript sealing process sees plaintext: one worker per request, no temp files
# (the unit gives it a tmpfs-only file system and no core dumps, S9).
workers = 2
threads = 1
max_requests = 200
