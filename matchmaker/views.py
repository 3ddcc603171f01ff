"""Project-level pages: the home dashboard, the 404 page, the favicon."""

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from campaigns.selectors import home_overview
from matchmaker.lib.http import ExplainedNotFound


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", home_overview(user=request.user))


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the 404 page, with the view's explanation when it gave one."""
    message = str(exception) if isinstance(exception, ExplainedNotFound) else ""
    return render(request, "404.html", {"message": message}, status=404)


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on every page: the static icon (hashed URL)."""
    return redirect(staticfiles_storage.url("img/favicon.ico"), permanent=False)
