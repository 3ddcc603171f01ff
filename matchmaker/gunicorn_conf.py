"""gunicorn settings, overridable from the environment (see README.md, "Configuration")."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, 2 x cores + 1: short pages must not queue behind slow searches and writes
# (measured in README.md, "Latest results").
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
# The longest request line gunicorn takes (its maximum; default 4094): the optimiser's exclude
# list, up to 500 creator ids, travels in the query string. Longer lines get a 414.
limit_request_line = 8190
accesslog = "-"
errorlog = "-"
# Peers whose X-Forwarded-Proto gunicorn believes (the request is then HTTPS to Django): the TLS
# proxy's address or network. The client address comes from X-Forwarded-For in Django, counted
# from the right by PROXY_COUNT (matchmaker/lib/client_ip.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
