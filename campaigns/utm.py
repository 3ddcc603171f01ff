"""The tracked links' UTM parameters as the campaign form edits them: the four standard ones,
each a text with placeholders that campaigns.tracking.landing_url fills per creator (and per
deliverable: {deliverable} is empty on a roster entry's own link)."""

from __future__ import annotations

import re

from campaigns.tracking import DEFAULT_UTM

PLACEHOLDERS = ("{platform}", "{campaign}", "{handle}", "{deliverable}")
NAMES = tuple(DEFAULT_UTM)  # utm_source, utm_medium, utm_campaign, utm_content
MAX_LENGTH = 100
_BRACED = re.compile(r"\{[^{}]*\}")


def unknown_placeholders(template: str) -> list[str]:
    """The {...} parts of `template` that are none of PLACEHOLDERS (kept as typed otherwise)."""
    return [part for part in _BRACED.findall(template) if part not in PLACEHOLDERS]


def current(utm_params: dict | None) -> dict[str, str]:
    """The four parameters a campaign's links carry now: its own values over the defaults."""
    return {name: str((utm_params or {}).get(name, DEFAULT_UTM[name])) for name in NAMES}


def stored_params(stored: dict | None, edited: dict[str, str]) -> dict:
    """The campaign's utm_params after the form's four texts: a text joins them when it
    differs from the default or overrides a stored value, so saving the form unchanged leaves
    the stored parameters as they were (and other parameters set through the API are kept)."""
    params = dict(stored or {})
    for name, value in edited.items():
        if name in params or value != DEFAULT_UTM[name]:
            params[name] = value
    return params
