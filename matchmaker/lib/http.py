"""Errors whose message is written for the person reading the page."""

from django.http import Http404


class ExplainedNotFound(Http404):
    """A 404 that says what happened; the 404 page (matchmaker.views.not_found) shows its message.

    A plain Http404's message ("No Campaign matches the given query.") is for developers and is
    not shown."""
