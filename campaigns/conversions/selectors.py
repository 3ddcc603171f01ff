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
    """The results page's "measured vs reported" table: per creator (CreatorResult of
    campaigns.outcomes.selectors) its reported conversions and revenue (the latest readings)
    beside the measured ones (orders), and both totals. The two are never added together: a
    sale the creator reported may be an order measured here. None when nothing was measured."""
    measured = campaign_measured_totals(campaign)
    orders = Conversion.objects.filter(campaign=campaign)
    if not orders.exists():
        return None
    rows = []
    for result in creators:
        found = measured.get(result.entry.pk, {})
        rows.append(
            {
                "entry": result.entry,
                "reported_conversions": result.metrics.get("conversions"),
                "reported_revenue": result.metrics.get("revenue"),
                "measured_conversions": found.get("conversions", 0),
                "measured_revenue": found.get("revenue", Decimal("0")),
            }
        )
    reported_conversions = [
        r["reported_conversions"] for r in rows if r["reported_conversions"] is not None
    ]
    reported_revenue = [r["reported_revenue"] for r in rows if r["reported_revenue"] is not None]
    return {
        "rows": rows,
        "measured_conversions": sum(r["measured_conversions"] for r in rows),
        "measured_revenue": sum((r["measured_revenue"] for r in rows), Decimal("0")),
        "reported_conversions": sum(reported_conversions) if reported_conversions else None,
        "reported_revenue": sum(reported_revenue) if reported_revenue else None,
        "unattributed": orders.filter(entry__isnull=True).count(),
    }
