"""{% load links %}: `value|http_url` is the value when it is an http(s) URL, else empty, so a
page links only validated URLs (matchmaker.lib.urls), whatever was stored."""

from django import template

from matchmaker.lib.urls import is_http_url

register = template.Library()


@register.filter
def http_url(value) -> str:
    return value if is_http_url(value) else ""
