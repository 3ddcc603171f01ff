"""The public short link /r/<code>: no login, one cached lookup, the click counted in the cache
(campaigns.tracking).

The redirect is the hottest request there is and needs nothing of the page stack: no session,
user, CSRF token, messages, CSP or htmx. `short_links_first` (settings.MIDDLEWARE, right after
SecurityMiddleware) serves it before all of that; a code that 404s goes on through the whole
stack, to the URL pattern below and the site's 404 page.
"""

from django.http import Http404, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaigns import tracking
from matchmaker.lib.client_ip import client_ip

PREFIX = "/r/"


@never_cache
@require_safe
def tracked_redirect(request, code: str):
    url = tracking.visit(
        code,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        method=request.method,
    )
    if url is None:
        raise Http404("No such link.")
    response = HttpResponseRedirect(url)
    response["X-Robots-Tag"] = "noindex"
    return response


def short_links_first(get_response):
    """Middleware: /r/<code> answered before the rest of the stack (see the module's doc)."""

    def middleware(request):
        path = request.path_info
        if path.startswith(PREFIX) and "/" not in path[len(PREFIX) :] and len(path) > len(PREFIX):
            request.get_host()  # ALLOWED_HOSTS holds here too (CommonMiddleware is skipped)
            try:
                return tracked_redirect(request, path[len(PREFIX) :])
            except Http404:
                pass
        return get_response(request)

    return middleware
