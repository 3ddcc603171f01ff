"""Throttling for token-authenticated requests (the browser session is not throttled here:
its pages are the product). Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None or not hasattr(token, "prefix"):
            return None  # session or anonymous: not this throttle's business
        return self.cache_format % {"scope": self.scope, "ident": f"token-{token.pk}"}
