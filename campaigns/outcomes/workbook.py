"""A campaign's results as an XLSX workbook a client can open and read: a header block (campaign,
brand, period, currency, when exported), one row per creator with number formats (counts with
separators, money with cents, rates as percentages), column widths that fit, and a totals row.

Cells hold numbers (the spreadsheet formats them); text goes through the same formula
neutraliser as the CSV export, and no cell is a formula.
"""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from campaigns.outcomes import display
from matchmaker.lib import formatting
from matchmaker.lib.csv_export import neutralise

NUMBER_FORMATS = {
    display.COUNT: "#,##0",
    display.MONEY: "#,##0.00",
    display.RATE: "0.0%",
    display.RATIO: "0.00",
}
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E7ECFF")
MAX_WIDTH = 40


def _columns(currency: str) -> list[tuple[str, str | None]]:
    """(heading, number kind) of every column; kind None for text."""
    columns: list[tuple[str, str | None]] = [("Creator", None), ("Platform", None), ("Stage", None)]
    for m in display.TABLE_METRICS:
        columns.append((f"{m.label} ({currency})" if m.kind == display.MONEY else m.label, m.kind))
        if m.key == "er":
            columns.append(("ER basis", None))
    return [
        *columns,
        ("Predicted reach", display.COUNT),
        ("Predicted engagements", display.COUNT),
        ("Promo code", None),
        ("Tracked link", None),
        ("Link clicks", display.COUNT),
        ("Conversions basis", None),
        ("Deliverable links", None),
    ]


def deliverable_links_text(link_row: dict) -> str:
    """A roster entry's deliverable links in one cell: "reel-12 <url> (5 clicks)", "; "-joined
    (their clicks are in the entry's link clicks too)."""
    return "; ".join(
        f"{d['slug']} {d.get('url') or d['path']} ({d['clicks']} click{'s' * (d['clicks'] != 1)})"
        for d in link_row.get("deliverables", [])
    )


def _metric_values(metrics: dict) -> list:
    values = []
    for m in display.TABLE_METRICS:
        values.append(metrics.get(m.key))
        if m.key == "er":
            values.append(metrics.get("er_basis") or "")
    return values


def _period(campaign) -> str:
    start, end = formatting.day(campaign.starts_on), formatting.day(campaign.ends_on)
    if start == formatting.DASH and end == formatting.DASH:
        return "not set"
    return f"{start} – {end}"


def _cell_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return neutralise(value)
    number = formatting.to_number(value)  # a Decimal fee
    return number if number is not None else neutralise(str(value))


def results_workbook(campaign, results, links: dict | None = None) -> bytes:
    """The workbook's bytes for one campaign's results (CampaignResults from the selectors);
    `links` is campaigns.tracking.link_rows with an absolute "url", by entry id."""
    links = links or {}
    currency = campaign.currency
    columns = _columns(currency)
    book = Workbook()
    sheet = book.active
    sheet.title = "Results"

    header_block = [
        ("Campaign", campaign.name),
        ("Brand", campaign.brand.name),
        ("Period", _period(campaign)),
        ("Currency", currency),
        ("Budget", float(campaign.budget or 0)),
        ("Exported", formatting.moment(timezone.now())),
    ]
    sheet.append([f"Results: {neutralise(campaign.name)}"])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in header_block:
        sheet.append([label, _cell_value(value)])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
        if label == "Budget":
            sheet.cell(row=sheet.max_row, column=2).number_format = NUMBER_FORMATS[display.MONEY]
    sheet.append([])

    sheet.append([heading for heading, _ in columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL

    rows = [
        [
            c.entry.creator.handle,
            c.entry.creator.get_platform_display(),
            c.entry.get_stage_display(),
            *_metric_values(c.metrics),
            c.predicted.get("reach"),
            c.predicted.get("engagements"),
            c.entry.promo_code,
            links.get(c.entry.pk, {}).get("url", ""),
            links.get(c.entry.pk, {}).get("clicks"),
            c.metrics.get("basis") or "",
            deliverable_links_text(links.get(c.entry.pk, {})),
        ]
        for c in results.creators
    ]
    link_clicks = sum(row[-3] or 0 for row in rows) if links else None
    totals = [
        "Total", "", "", *_metric_values(results.totals), None, None, "", "", link_clicks,
        results.totals.get("basis") or "", "",
    ]  # fmt: skip
    for values in [*rows, totals]:
        sheet.append([_cell_value(v) for v in values])
        for index, (_, kind) in enumerate(columns, start=1):
            if kind is not None:
                sheet.cell(row=sheet.max_row, column=index).number_format = NUMBER_FORMATS[kind]
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD

    for index, (heading, kind) in enumerate(columns, start=1):
        texts = [heading] + [_display_text(v, kind, currency) for v in _column(rows, index - 1)]
        if index == 1:
            texts += [label for label, _ in header_block]
        width = min(MAX_WIDTH, max(len(t) for t in texts) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)

    figures = book.create_sheet("Campaign")
    figures.append(["figure", "value"])
    for label, value in campaign_figures(results):
        figures.append([label, _cell_value(value)])
    figures.column_dimensions["A"].width = 24

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def campaign_figures(results) -> list[tuple[str, float | None]]:
    """The campaign's totals beside the per-creator rows (each the sum of its column), and
    unique reach: measured reach de-duplicated with the follower samples, low and high ends."""
    t = results.totals
    return [
        ("spend", results.spend),
        ("budget", results.budget),
        *((key, t[key]) for key in ("reach", "impressions", "engagements", "conversions")),
        ("revenue", t["revenue"]),
        ("conversions_basis", t.get("basis") or ""),
        ("conversions_measured_part", t.get("conversions_measured_part")),
        ("conversions_reported_part", t.get("conversions_reported_part")),
        ("revenue_measured_part", t.get("revenue_measured_part")),
        ("revenue_reported_part", t.get("revenue_reported_part")),
        ("cpa", t.get("cpa")),
        ("roas", t.get("roas")),
        ("unique_reach_low", t["unique_reach_lower_bound"]),
        ("unique_reach_high", t["unique_reach"]),
        ("cost_per_unique_low", t["cost_per_unique"]),
        ("cost_per_unique_high", t["cost_per_unique_high"]),
    ]


def _column(rows, index):
    return [row[index] for row in rows]


def _display_text(value, kind, currency) -> str:
    """About what the spreadsheet shows in the cell, to size its column."""
    if value is None:
        return ""
    if kind is None:
        return str(value)
    if kind == display.MONEY:
        return formatting.number(value, 2)
    return display.metric_text(kind, value, currency)
