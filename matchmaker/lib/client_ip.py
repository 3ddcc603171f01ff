"""The client's address as the web server can trust it.

Directly exposed (PROXY_COUNT = 0) it is the TCP peer, REMOTE_ADDR, and X-Forwarded-For is
anyone's to forge. Behind PROXY_COUNT reverse proxies, each appending the address it received
the request from to X-Forwarded-For, the client is the PROXY_COUNT-th address from the right:
what the outermost proxy saw. Everything left of it came from the client and proves nothing.
A header with fewer addresses than that did not come through the proxies, so the peer it is.
(DRF's NUM_PROXIES counts the same way; settings.py sets it from PROXY_COUNT.)
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count <= 0:
        return peer
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < count:
        return peer
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:  # a proxy that writes something else is misconfigured: trust the peer
        return peer
