"""How the results pages and the workbook export show each outcome metric: its label, its kind
(count, money, rate, ratio) and its text through matchmaker.lib.formatting.

The numbers themselves come from campaigns.outcomes.selectors; this module only decides how a
person reads them, so the KPI list, the per-creator table and the XLSX export agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matchmaker.lib import formatting

COUNT, MONEY, RATE, RATIO = "count", "money", "rate", "ratio"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str
    help: str = ""


# The per-creator table's columns, in order (the sort keys of the results page).
TABLE_METRICS = (
    Metric("cost", "Fee", MONEY, "agreed fee of a contracted, live or completed creator"),
    Metric("reach", "Reach", COUNT, "people who saw the content"),
    Metric("impressions", "Impressions", COUNT),
    Metric("engagements", "Engagements", COUNT, "likes, comments, shares and saves"),
    Metric("er", "ER", RATE, "engagements per person reached (or per follower)"),
    Metric("clicks", "Clicks", COUNT),
    Metric("conversions", "Conversions", COUNT),
    Metric("revenue", "Revenue", MONEY),
    Metric("cpm", "CPM", MONEY, "cost per 1,000 impressions"),
    Metric("cpe", "CPE", MONEY, "cost per engagement"),
    Metric("cpc", "CPC", MONEY, "cost per click"),
    Metric("cpa", "CPA", MONEY, "cost per conversion"),
    Metric("roas", "ROAS", RATIO, "revenue per unit of spend"),
    Metric("emv", "EMV", MONEY, "earned media value"),
)
BY_KEY = {m.key: m for m in TABLE_METRICS}
SORT_KEYS = tuple(m.key for m in TABLE_METRICS)


def metric_text(kind: str, value: Any, currency: str) -> str:
    """One metric value as a person reads it; a missing value is a dash."""
    if kind == MONEY:
        return formatting.money(value, currency)
    if kind == RATE:
        return formatting.rate(value)
    if kind == RATIO:
        number = formatting.number(value, 2)
        return number if number == formatting.DASH else f"{number}×"
    return formatting.count(value)


def format_metric(key: str, value: Any, currency: str) -> str:
    return metric_text(BY_KEY[key].kind, value, currency)


# The metrics that are measured or reported (conversions, revenue and the costs of them): their
# cells carry the figure's basis (campaigns.outcomes.selectors.choose_basis).
BASIS_KEYS = frozenset({"conversions", "revenue", "cpa", "roas"})


def table_row(metrics: dict[str, Any], currency: str) -> list[dict[str, Any]]:
    """The cells of one row of the per-creator table (or its totals row); a conversions,
    revenue, CPA or ROAS cell with a figure has its "basis" (measured, reported or mixed)."""
    return [
        {
            "key": m.key,
            "label": m.label,
            "value": metrics.get(m.key),
            "text": metric_text(m.kind, metrics.get(m.key), currency),
            "basis": (
                metrics.get("basis")
                if m.key in BASIS_KEYS and metrics.get(m.key) is not None
                else None
            ),
        }
        for m in TABLE_METRICS
    ]


def basis_note(totals: dict[str, Any], key: str, currency: str) -> str:
    """Where a total of conversions or revenue comes from, for its KPI tile: "measured",
    "reported", or for a mix its two parts ("12 measured + 5 reported"); "" without a figure."""
    basis = totals.get("basis")
    if not basis or totals.get(key) is None:
        return ""
    if basis != "mixed":
        return basis
    parts = [
        f"{format_metric(key, totals[f'{key}_{part}_part'], currency)} {part}"
        for part in ("measured", "reported")
        if totals.get(f"{key}_{part}_part") is not None
    ]
    return " + ".join(parts)
