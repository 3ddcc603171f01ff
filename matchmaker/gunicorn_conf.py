"""gunicorn settings, overridable from the environment (see README.md, "Configuration")."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, one more than the cores: the pages are CPU-bound (the queries take a few ms), so
# extra processes only contend. Measured on 2 cores with PostgreSQL on the same host, discovery
# at 100k creators with 8 clients: 3 workers 127-134 req/s, p95 79 ms; 5 workers (the usual
# 2 x cores + 1) 113 req/s, p95 97 ms. Raise it where the database is on another machine.
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
