"""The client report: a campaign's results as a client may read them, for the public share page
and the PDF (both from campaigns.outcomes.selectors.campaign_results, never a copy of it).

Fees, and every figure computed from them (spend, CPM, CPE, CPC, CPA, ROAS, cost per unique
reached), are left out unless the link shows fees. The budget, the client fee, the margin,
predictions and the app's links never appear, fees shown or not: the client fee beside the
creator fees would give the margin away by a subtraction. Conversions and revenue say whether
they are measured or reported (campaigns.outcomes.selectors.choose_basis). The charts are server-side SVG bars laid out here from the numbers,
since a PDF renderer runs no JavaScript.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from campaigns.outcomes import display, selectors
from matchmaker.lib import formatting
from tenancy.models import LOGO_MAX_BYTES

# The table's metrics that are fees or computed from them.
FEE_KEYS = frozenset({"cost", "cpm", "cpe", "cpc", "cpa", "roas"})
# The per-creator bar charts, in order: (metric key, title).
CHARTS = (
    ("reach", "Reach"),
    ("engagements", "Engagements"),
    ("clicks", "Clicks"),
    ("conversions", "Conversions"),
)
# SVG layout of one bar chart (user units): a label column, the bars, the value at the end.
LABEL_WIDTH = 120
BAR_SPACE = 210
VALUE_WIDTH = 70
ROW_HEIGHT = 22
BAR_HEIGHT = 14
CHART_WIDTH = LABEL_WIDTH + BAR_SPACE + VALUE_WIDTH


# Logo formats embedded as they are (what the ImageField accepts and every PDF reader shows).
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}


def logo_data_uri(organization) -> str | None:
    """The organisation's logo as a data: URL, so the page serves no media file and the PDF
    renderer fetches nothing; None without a logo, or one that is missing, too large or not a
    PNG, JPEG or GIF."""
    if not organization.logo:
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with organization.logo.open("rb") as file:
            data = file.read(LOGO_MAX_BYTES + 1)
        kind = Image.open(io.BytesIO(data)).format
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    if len(data) > LOGO_MAX_BYTES or kind not in LOGO_TYPES:
        return None
    return f"data:{LOGO_TYPES[kind]};base64,{base64.b64encode(data).decode()}"


@dataclass(frozen=True)
class Margin:
    client_fee: float
    creator_fees: float
    amount: float
    share: float | None  # of the client fee; None when the fee is zero


def client_margin(client_fee: Decimal | float | None, creator_fees: float | None) -> Margin | None:
    """The agency's margin on a campaign: client fee less the creator fees (no fees yet: all of
    it), and its share of the client fee. None without a client fee."""
    if client_fee is None:
        return None
    fee = float(client_fee)
    spent = float(creator_fees or 0.0)
    amount = fee - spent
    return Margin(fee, spent, amount, amount / fee if fee else None)


def bar_rows(labels: list[str], values: list[float | None]) -> list[dict[str, Any]]:
    """One SVG bar per label: its width scaled to the largest value (BAR_SPACE), its y, and the
    value's text; a missing value draws no bar and reads as a dash."""
    known = [v for v in values if v is not None]
    top = max(known) if known else 0.0
    rows = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        width = 0.0 if value is None or top <= 0 else BAR_SPACE * float(value) / top
        y = i * ROW_HEIGHT
        rows.append(
            {
                "label": label,
                "value": value,
                "text": formatting.count(value),
                "width": round(width, 1),
                "y": y,
                "text_y": y + BAR_HEIGHT - 2,
                "value_x": LABEL_WIDTH + round(width, 1) + 6,
            }
        )
    return rows


def _charts(creators) -> list[dict[str, Any]]:
    labels = [f"@{c.entry.creator.handle}" for c in creators]
    charts = []
    for key, title in CHARTS:
        values = [c.metrics.get(key) for c in creators]
        if all(v is None for v in values):
            continue
        charts.append(
            {
                "key": key,
                "title": title,
                "rows": bar_rows(labels, values),
                "height": max(1, len(labels)) * ROW_HEIGHT,
            }
        )
    return charts


def report_context(campaign, *, show_fees: bool) -> dict[str, Any]:
    """Everything the client report shows of `campaign` (already scoped by the caller)."""
    results = selectors.campaign_results(campaign)
    currency = campaign.currency
    totals = results.totals
    metrics = [m for m in display.TABLE_METRICS if show_fees or m.key not in FEE_KEYS]

    def cells(values: dict) -> list[dict[str, Any]]:
        return [
            {
                "label": m.label,
                "missing": values.get(m.key) is None,
                "text": display.metric_text(m.kind, values.get(m.key), currency),
                "basis": (
                    values.get("basis")
                    if m.key in display.BASIS_KEYS and values.get(m.key) is not None
                    else None
                ),
            }
            for m in metrics
        ]

    kpis = []
    if show_fees:
        kpis.append(
            ("spend", "Creator fees", display.format_metric("cost", results.spend, currency))
        )
    kpis += [
        ("reach", "Reach", display.format_metric("reach", totals.get("reach"), currency)),
        ("unique", "Unique reach", _unique_text(totals)),
        ("engagements", "Engagements", display.format_metric("engagements", totals.get("engagements"), currency)),
        ("er", "Engagement rate", display.format_metric("er", totals.get("er"), currency)),
        ("clicks", "Clicks", display.format_metric("clicks", totals.get("clicks"), currency)),
        ("conversions", "Conversions", display.format_metric("conversions", totals.get("conversions"), currency)),
        ("revenue", "Revenue", display.format_metric("revenue", totals.get("revenue"), currency)),
        ("emv", "Earned media value", display.format_metric("emv", totals.get("emv"), currency)),
    ]  # fmt: skip
    if show_fees:
        kpis.append(("roas", "ROAS", display.format_metric("roas", totals.get("roas"), currency)))
    return {
        "campaign": campaign,
        "brand": campaign.brand,
        "agency": campaign.brand.organization,
        "agency_logo": logo_data_uri(campaign.brand.organization),
        "show_fees": show_fees,
        "basis": totals.get("basis"),
        "kpis": [{"id": k, "label": label, "text": text} for k, label, text in kpis],
        "metrics": metrics,
        "rows": [
            {
                "handle": c.entry.creator.handle,
                "platform": c.entry.creator.get_platform_display(),
                "cells": cells(c.metrics),
            }
            for c in results.creators
        ],
        "totals_cells": cells(totals),
        "charts": _charts(results.creators),
        "chart": {
            "width": CHART_WIDTH,
            "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT,
            "label_x": LABEL_WIDTH - 8,
        },
        "period": _period(campaign),
    }


def _unique_text(totals: dict) -> str:
    unique = totals.get("unique_reach")
    if unique is None:
        return formatting.DASH
    if totals.get("unique_reach_exact"):
        return formatting.count(unique)
    return f"{formatting.count(totals.get('unique_reach_lower_bound'))}–{formatting.count(unique)}"


def _period(campaign) -> str:
    start, end = campaign.starts_on, campaign.ends_on
    if start and end:
        return f"{formatting.day(start)} – {formatting.day(end)}"
    if start:
        return f"from {formatting.day(start)}"
    if end:
        return f"until {formatting.day(end)}"
    return ""
