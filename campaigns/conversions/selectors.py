"""Reads of measured conversions for the results page and the API."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from campaigns.conversions import attribution
from campaigns.models import Campaign, Conversion

MEASURED_COLUMNS = ["entry_id", "amount", "refunded_amount", "status"]


def campaign_measured_totals(campaign: Campaign) -> dict[int, dict]:
    """entry id -> {"conversions", "revenue"} measured for the campaign (postbacks and orders
    imports): each order once, net of refunds, cancelled/refunded/pending ones not counted
    (attribution.measured_totals). Entries without an attributed order are absent."""
    rows = Conversion.objects.filter(campaign=campaign, entry__isnull=False).values_list(
        *MEASURED_COLUMNS
    )
    frame = pd.DataFrame(list(rows), columns=MEASURED_COLUMNS)
    if frame.empty:
        return {}
    totals = attribution.measured_totals(frame)
    return {
        int(entry_id): {
            "conversions": int(row["conversions"]),
            "revenue": Decimal(f"{row['revenue']:.2f}"),
        }
        for entry_id, row in totals.iterrows()
    }


def measured_beside_reported(campaign: Campaign, creators) -> dict | None:
    """The results page's "measured and reported" table: per creator (CreatorResult of
    campaigns.outcomes.selectors) its reported conversions and revenue (the latest readings)
    beside the measured ones (orders), and which of the two counts (metrics["basis"]: measured
    wherever an order was attributed, else reported; never both). The totals: each column's sum,
    and the counted figures' sums, which are the results table's totals. None when nothing was
    measured."""
    orders = Conversion.objects.filter(campaign=campaign)
    if not orders.exists():
        return None
    rows = []
    for result in creators:
        m = result.metrics
        rows.append(
            {
                "entry": result.entry,
                "basis": m.get("basis"),
                "reported_conversions": m.get("reported_conversions"),
                "reported_revenue": m.get("reported_revenue"),
                "measured_conversions": m.get("measured_conversions"),
                "measured_revenue": m.get("measured_revenue"),
                "conversions": m.get("conversions"),
                "revenue": m.get("revenue"),
            }
        )

    def total(key):
        known = [r[key] for r in rows if r[key] is not None]
        return sum(known) if known else None

    return {
        "rows": rows,
        **{
            key: total(key)
            for key in (
                "measured_conversions",
                "measured_revenue",
                "reported_conversions",
                "reported_revenue",
                "conversions",
                "revenue",
            )
        },
        "unattributed": orders.filter(entry__isnull=True).count(),
    }
