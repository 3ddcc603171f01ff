"""Writing measured conversions: load the campaign's orders and roster keys, merge and attribute
(campaigns.conversions.attribution), store. Used by the postback (one order) and the orders
import (many); both are idempotent by order id."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from django.db import transaction
from django.utils import timezone

from campaigns import tracking
from campaigns.conversions import attribution
from campaigns.models import Campaign, Conversion, PostbackNonce, RosterEntry, TrackedLink

STATE_FIELDS = (
    "amount",
    "refunded_amount",
    "status",
    "currency",
    "occurred_at",
    "promo_code",
    "click_id",
    "utm_content",
)
WRITTEN = (*STATE_FIELDS, "entry_id", "attributed_by")


@dataclass
class Recorded:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conversions: list[Conversion] = field(default_factory=list)


def roster_keys(campaign: Campaign) -> dict[str, dict]:
    """The campaign's promo codes, link codes and handles (for utm_content) -> entry id."""
    entries = RosterEntry.objects.filter(campaign=campaign).values_list(
        "id", "promo_code", "creator__handle"
    )
    links = list(
        TrackedLink.objects.filter(entry__campaign=campaign).select_related(
            "entry__creator", "deliverable"
        )
    )
    link_codes = {link.code: link.entry_id for link in links}
    # A deliverable's link names it in utm_content ("lena_reel-12"): its orders are its entry's.
    deliverable_contents = {
        tracking.utm_values(campaign, link.entry.creator, link.deliverable).get(
            "utm_content", ""
        ): link.entry_id
        for link in links
        if link.deliverable_id is not None
    }
    return {
        "promo_codes": {code: pk for pk, code, _ in entries if code},
        "link_codes": link_codes,
        "utm_contents": {
            **{k: v for k, v in deliverable_contents.items() if k},
            **{handle: pk for pk, _, handle in entries},
            **link_codes,
        },
    }


def _state(conversion: Conversion) -> dict:
    return {name: getattr(conversion, name) for name in STATE_FIELDS}


@transaction.atomic
def record_conversions(*, campaign: Campaign, orders: list[dict], source: str) -> Recorded:
    """Merge each order (order_id plus attribution.merge_order's incoming keys) into the
    campaign's conversions; the same order twice in `orders` merges in turn."""
    ids = [str(o["order_id"]) for o in orders]
    existing = {
        c.order_id: c
        for c in Conversion.objects.select_for_update().filter(campaign=campaign, order_id__in=ids)
    }
    before = {
        order_id: _state(c) | {"entry_id": c.entry_id, "attributed_by": c.attributed_by}
        for order_id, c in existing.items()
    }
    states: dict[str, dict] = {oid: _state(c) for oid, c in existing.items()}
    for order in orders:
        order_id = str(order["order_id"])
        states[order_id] = attribution.merge_order(states.get(order_id), order)
    if not states:
        return Recorded()
    frame = pd.DataFrame.from_dict(states, orient="index")
    frame = attribution.attribute(
        frame, window_days=campaign.attribution_window_days, **roster_keys(campaign)
    )
    result = Recorded()
    new, changed = [], []
    for order_id, row in frame.iterrows():
        values = {name: row[name] for name in STATE_FIELDS}
        values["entry_id"] = None if pd.isna(row["entry_id"]) else int(row["entry_id"])
        values["attributed_by"] = row["attributed_by"]
        conversion = existing.get(order_id)
        if conversion is None:
            conversion = Conversion(campaign=campaign, order_id=order_id, source=source, **values)
            new.append(conversion)
            result.created += 1
        elif values != before[order_id]:
            for name, value in values.items():
                setattr(conversion, name, value)
            changed.append(conversion)
            result.updated += 1
        else:
            result.unchanged += 1
        result.conversions.append(conversion)
    Conversion.objects.bulk_create(new)
    now = timezone.now()
    for conversion in changed:
        conversion.updated_at = now
    Conversion.objects.bulk_update(changed, [*WRITTEN, "updated_at"])
    return result


# --- Postback replay store -------------------------------------------------------------------
def nonce_store(signature: str, *, expires_at: datetime) -> bool:
    """Keep a postback's signature until it could no longer be accepted (`expires_at`: its
    timestamp plus the window); False when it was already kept (a replay). Expired ones are
    dropped on the way."""
    PostbackNonce.objects.filter(expires_at__lt=timezone.now()).delete()
    _, created = PostbackNonce.objects.get_or_create(
        signature=signature, defaults={"expires_at": expires_at}
    )
    return created


def postback_secret_rotate(campaign: Campaign) -> Campaign:
    """A new postback secret for the campaign; the old one stops verifying at once."""
    from campaigns.models import new_postback_secret

    campaign.postback_secret = new_postback_secret()
    campaign.postback_secret_rotated_at = timezone.now()
    campaign.save(update_fields=["postback_secret", "postback_secret_rotated_at", "updated_at"])
    return campaign
