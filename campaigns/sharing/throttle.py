"""A per-address rate limit for the public report pages, counted in the cache (shared by the
workers when REDIS_URL names one): a fixed window of SHARE_RATE_WINDOW seconds allowing
SHARE_RATE_LIMIT requests, whether their token is good or not, so guessing is as slow as reading.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from matchmaker.lib.client_ip import client_ip

DEFAULT_LIMIT = 60
DEFAULT_WINDOW = 60


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "SHARE_RATE_LIMIT", DEFAULT_LIMIT)),
        int(getattr(settings, "SHARE_RATE_WINDOW", DEFAULT_WINDOW)),
    )


def retry_after(request, *, cost: int = 1, now: float | None = None) -> int | None:
    """Count this request (as `cost` requests) against its address; the seconds to wait when
    the address is over the limit, else None."""
    limit, window = _limits()
    now = time.time() if now is None else now
    slot = int(now // window)
    key = f"share-rate:{client_ip(request)}:{slot}"
    if cache.add(key, cost, window + 5):
        count = cost
    else:
        try:
            count = cache.incr(key, cost)
        except ValueError:  # expired between add and incr
            cache.add(key, cost, window + 5)
            count = cost
    if count <= limit:
        return None
    return max(1, int((slot + 1) * window - now))
