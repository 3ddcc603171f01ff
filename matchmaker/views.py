"""Project-level pages: the home dashboard."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.selectors import home_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", home_overview(user=request.user))
