"""The one way a commenter is stored: a keyed hash of their id or handle (Comment.commenter_key).

The key is settings.COMMENTER_HASH_KEY, so the hashes can be compared within this installation
(repeat commenters, pods) but not looked up against a list of handles elsewhere. Case and a
leading @ are ignored: "@Alice" and "alice" are the same commenter.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
from django.conf import settings


def normalise_commenter(value: str) -> str:
    """The form a commenter id or handle is hashed in: trimmed, without a leading @, lower case."""
    return str(value).strip().lstrip("@").strip().lower()


def commenter_key(value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised commenter id or handle."""
    return _hasher(settings.COMMENTER_HASH_KEY.encode())(value)


def commenter_keys(values) -> np.ndarray:
    """commenter_key of each value (an array or list); each distinct value is hashed once."""
    distinct, codes = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
    hasher = _hasher(settings.COMMENTER_HASH_KEY.encode())
    return np.array([hasher(v) for v in distinct.tolist()], dtype=object)[codes.ravel()]


def _hasher(key: bytes):
    def key_of(value: str) -> str:
        return hmac.new(key, normalise_commenter(value).encode(), hashlib.sha256).hexdigest()

    return key_of
