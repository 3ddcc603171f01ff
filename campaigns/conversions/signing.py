"""The postback signature: HMAC-SHA256 with the campaign's secret over "<timestamp>.<body>".

The shop sends the unix time in seconds in the timestamp header and the hex digest (optionally
prefixed "sha256=") in the signature header (TIMESTAMP_HEADER and SIGNATURE_HEADER below). A
timestamp more than WINDOW from now either way is refused, so a captured request is useless after
it; within it the signature is kept (PostbackNonce) and the same one twice is a
replay.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

WINDOW = timedelta(minutes=5)
TIMESTAMP_HEADER = "X-Matchmaker-Timestamp"
SIGNATURE_HEADER = "X-Matchmaker-Signature"
SHOWN_SECRET_CHARACTERS = 4


def masked(secret: str) -> str:
    """The secret as the results page shows it before "Reveal": its last few characters."""
    return "•" * 8 + secret[-SHOWN_SECRET_CHARACTERS:]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_matches(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    given = given.strip().removeprefix("sha256=")
    return hmac.compare_digest(sign(secret, timestamp, body), given)


def timestamp_time(timestamp: str) -> datetime | None:
    """The header's time, or None when it is no unix time in whole seconds."""
    text = timestamp.strip()
    if not text.isdigit() or len(text) > 12:
        return None
    return datetime.fromtimestamp(int(text), UTC)


def is_fresh(sent: datetime, now: datetime) -> bool:
    """Within WINDOW of now, either way (the edges are in)."""
    return abs(now - sent) <= WINDOW
