"""The public short link /r/<code>: no login, one cached lookup, the click counted in the cache
(campaigns.tracking)."""

from django.http import Http404, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaigns import tracking
from campaigns.models import TrackedLink
from matchmaker.lib.client_ip import client_ip


@never_cache
@require_safe
def tracked_redirect(request, code: str):
    found = tracking.resolve(code)
    if found is None:
        raise Http404("No such link.")
    if found["status"] == TrackedLink.Status.ACTIVE:
        counted = tracking.record_click(
            code,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            method=request.method,
        )
        if counted and not tracking.cache_is_shared():
            tracking.flush_clicks(codes=[code])  # no worker shares this process's cache
    response = HttpResponseRedirect(tracking.with_click_id(found["url"], code))
    response["X-Robots-Tag"] = "noindex"
    return response
