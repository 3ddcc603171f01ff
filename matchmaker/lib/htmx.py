"""The one helper that decides whether a request wants an htmx partial."""

from django.http import HttpRequest


def wants_partial(request: HttpRequest) -> bool:
    """True for an htmx request that is not a history restore (which needs the full page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted
