"""gunicorn settings, overridable from the environment (see README.md, "Configuration")."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, 2 x cores + 1. Measured on 2 cores with PostgreSQL on the same host at 100k
# creators: one page hammered by 8 closed-loop clients runs best with cores + 1 (3 workers:
# discovery p95 79-87 ms; 5 workers: 85-95 ms), but the realistic mix of 16 users (short pages
# queued behind slow searches and writes) needs the extra processes (3 workers: p95 120-130 ms;
# 5 workers: 92-94 ms). Production traffic is the mix.
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
