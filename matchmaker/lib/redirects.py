"""Where to send the browser after a form: the `next` the request names, if it stays on this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The request's `next` (form field, then query string) when it is a URL of this site, else
    `fallback`: an off-site `next` would make our domain a link to anyone's phishing page.

    Django's check refuses other hosts, scheme-relative (`//host`), backslash and scheme-only
    (`https:host`) forms, and plain HTTP from an HTTPS page; login and logout use the same check.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
