"""The helpers that decide whether a request wants an htmx partial, and where a form answered
with its errors (422) swaps in: static/js/app.js swaps every 422 answer, retargeted here."""

from django.http import HttpRequest, HttpResponse


def wants_partial(request: HttpRequest) -> bool:
    """True for an htmx request that is not a history restore (which needs the full page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def retarget(response: HttpResponse, selector: str, swap: str = "outerHTML") -> HttpResponse:
    """Swap `response` into `selector` instead of the request's own target (HX-Retarget): a
    form answered 422 with its errors replaces itself, next to the control the user typed in."""
    response["HX-Retarget"] = selector
    response["HX-Reswap"] = swap
    return response
