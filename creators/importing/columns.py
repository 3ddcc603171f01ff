"""Header normalisation, synonyms and mapping detection: which file column feeds which field."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from creators.importing.registry import KindSpec


def normalise_header(header: str) -> str:
    """ "Follower Count (#)" -> "follower_count"; "E-mail" -> "e_mail"."""
    text = re.sub(r"[^0-9a-z]+", "_", str(header).strip().lower().replace("%", " pct "))
    return text.strip("_")


def header_signature(headers: list[str]) -> str:
    """A stable hash of the normalised header row (SavedMapping.header_signature)."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode()).hexdigest()


def detect_mapping(headers: list[str], spec: KindSpec) -> dict[str, str]:
    """Our field -> the file's header, matching normalised headers against each field's synonyms.
    Each column feeds at most one field; exact names win over synonyms."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field in spec.fields:
        for candidate in (field.name, *field.synonyms):
            header = by_norm.get(normalise_header(candidate))
            if header is not None and header not in used:
                mapping[field.name] = header
                used.add(header)
                break
    return mapping


def missing_required(mapping: dict[str, str], spec: KindSpec, *, have_platform: bool) -> list[str]:
    """Required fields the mapping does not cover (platform is not needed when the job sets one)."""
    missing = []
    for field in spec.fields:
        if not field.required or field.name in mapping:
            continue
        if field.name == "platform" and have_platform:
            continue
        missing.append(field.name)
    return missing
