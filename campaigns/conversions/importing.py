"""The "orders" import kind: a shop's orders export (Shopify, WooCommerce) through
creators/importing, measured conversions of the job's campaign (scope["campaign_id"]).

Shopify's orders CSV writes one row per line item, the order's fields on its first row only;
WooCommerce's exports one row per order. Rows of one order (by its Name / Order ID) are taken
together, the first value of each column winning. An order is matched to a roster entry by its
discount or coupon code, else by the tracked-link click id (mm_click) or utm_content in its
landing page URL (campaigns.conversions.attribution). A refunded amount, a refunded or voided
status or a cancellation date reverses it; importing the same export again changes nothing.

Only the order's id, amount, currency, dates, status, codes and landing parameters are read:
customer names, e-mails and addresses are columns no field maps, never parsed or stored.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from campaigns.conversions import attribution, services
from campaigns.models import Campaign, Conversion
from creators.importing.registry import ApplyResult, FieldSpec, KindSpec, Rejection
from creators.importing.values import parse_datetime
from matchmaker.lib.numbers import parse_decimal

AMOUNT_LIMIT = Decimal("999999999999.99")
# Shopify financial statuses and WooCommerce order statuses (its "wc-" prefix dropped).
STATUS_WORDS = {
    "paid": attribution.APPROVED,
    "authorized": attribution.APPROVED,
    "partially_paid": attribution.APPROVED,
    "completed": attribution.APPROVED,
    "processing": attribution.APPROVED,
    "approved": attribution.APPROVED,
    "pending": attribution.PENDING,
    "on_hold": attribution.PENDING,
    "partially_refunded": attribution.PARTIALLY_REFUNDED,
    "refunded": attribution.REFUNDED,
    "voided": attribution.CANCELLED,
    "cancelled": attribution.CANCELLED,
    "canceled": attribution.CANCELLED,
    "failed": attribution.CANCELLED,
}


def _blank(value) -> bool:
    return (
        value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""
    )


def _text(limit: int):
    def parse(value):
        if _blank(value):
            return None
        text = str(value).strip()
        if len(text) > limit:
            raise ValueError(f"longer than {limit} characters")
        return text

    return parse


def _amount(value):
    if _blank(value):
        return None
    number = parse_decimal(value)
    if number is None:
        return None
    if number < 0:
        raise ValueError("an order amount cannot be negative (refunds go in the refunded amount)")
    if number > AMOUNT_LIMIT:
        raise ValueError(f"too large (at most {AMOUNT_LIMIT:,})")
    return number.quantize(Decimal("0.01"))


def _currency(value):
    if _blank(value):
        return None
    text = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ValueError("not a three-letter currency code")
    return text


def _status(value):
    if _blank(value):
        return None
    word = re.sub(r"[^a-z]+", "_", str(value).strip().lower()).strip("_").removeprefix("wc_")
    if word not in STATUS_WORDS:
        known = ", ".join(sorted(STATUS_WORDS))
        raise ValueError(f"not an order status this import knows ({known})")
    return STATUS_WORDS[word]


def _codes(value):
    """A code, several separated by commas, or WooCommerce's coupon_items
    ("code:SUMMER10|amount:5.00;code:…"): the codes, comma-separated."""
    if _blank(value):
        return None
    text = str(value)
    found = re.findall(r"code:([^|;]+)", text)
    codes = [c.strip() for c in (found or re.split(r"[,;]", text)) if c.strip()]
    return ", ".join(codes)[:200] or None


FIELDS = (
    FieldSpec("order_id", _text(100), True, ("name", "order_number", "order", "order_no")),
    # Not required row by row: Shopify's line-item rows carry no total (the order's first does).
    FieldSpec("amount", _amount, False, ("total", "order_total", "total_price", "grand_total")),
    FieldSpec("currency", _currency, False, ("order_currency", "currency_code")),
    FieldSpec(
        "occurred_at",
        parse_datetime,
        False,
        ("created_at", "order_date", "date_created", "date"),
    ),
    FieldSpec("status", _status, False, ("financial_status", "order_status")),
    FieldSpec("cancelled_at", parse_datetime, False, ("canceled_at", "cancelled_date")),
    FieldSpec(
        "refunded_amount",
        _amount,
        False,
        ("order_refund", "refund_amount", "refunded_total", "total_refunded", "refunds"),
    ),
    FieldSpec(
        "promo_code",
        _codes,
        False,
        ("discount_code", "coupon_code", "coupon_codes", "coupons", "coupon_items", "coupon"),
    ),
    FieldSpec(
        "landing_site",
        _text(2000),
        False,
        ("landing_page", "landing_url", "wc_order_attribution_session_entry", "session_entry"),
    ),
    FieldSpec("utm_content", _text(200), False, ("wc_order_attribution_utm_content",)),
    FieldSpec("click_id", _text(400), False, ("mm_click",)),
)
COLUMNS = [f.name for f in FIELDS]


def landing_parameters(url) -> tuple[str, str]:
    """(mm_click, utm_content) of a landing page URL or path; "" where absent."""
    if _blank(url):
        return "", ""
    query = parse_qs(urlsplit(str(url)).query)
    return (query.get("mm_click") or [""])[0], (query.get("utm_content") or [""])[0]


def _campaign(ctx) -> Campaign:
    campaign_id = ctx.scope.get("campaign_id")
    if not campaign_id:
        raise ValueError("An orders import needs the campaign (scope campaign_id).")
    return Campaign.objects.get(pk=campaign_id)


def _validate(frame: pd.DataFrame, ctx):
    """One row per order (its line-item rows folded in), with the campaign's currency."""
    campaign = _campaign(ctx)
    for name in COLUMNS:
        if name not in frame:
            frame[name] = None
    frame = frame.astype(object).where(frame.notna(), None)
    rejections: list[Rejection] = []
    frame = frame.assign(_row=frame.index)
    orders = frame.groupby("order_id", sort=False).first()  # first non-empty value per column
    keep = []
    for order_id, values in orders.iterrows():
        row = int(values["_row"])
        if values["amount"] is None:
            rejections.append(Rejection(row, "amount", "", f"order {order_id} has no total"))
            continue
        if values["occurred_at"] is None and values["cancelled_at"] is None:
            rejections.append(
                Rejection(row, "occurred_at", "", f"order {order_id} has no date (Created at)")
            )
            continue
        currency = values["currency"] or campaign.currency
        if currency != campaign.currency:
            rejections.append(
                Rejection(
                    row,
                    "currency",
                    currency,
                    f"not the campaign's currency ({campaign.currency}): "
                    "export the orders in it or convert them",
                )
            )
            continue
        keep.append(order_id)
    orders = orders.loc[keep].reset_index().set_index("_row")
    orders.index.name = None
    return orders, rejections


def _apply(frame: pd.DataFrame, ctx) -> ApplyResult:
    campaign = _campaign(ctx)
    records = []
    for record in frame.to_dict("records"):
        click, utm = landing_parameters(record.get("landing_site"))
        status = record.get("status") or ""
        if record.get("cancelled_at") is not None:
            status = attribution.CANCELLED
        records.append(
            {
                "order_id": record["order_id"],
                "amount": record["amount"],
                "refunded_amount": record.get("refunded_amount"),
                "status": status,
                "currency": record.get("currency") or campaign.currency,
                "occurred_at": record.get("occurred_at") or record.get("cancelled_at"),
                "promo_code": record.get("promo_code") or "",
                "click_id": " ".join(c for c in (record.get("click_id"), click) if c),
                "utm_content": record.get("utm_content") or utm,
            }
        )
    recorded = services.record_conversions(
        campaign=campaign, orders=records, source=Conversion.Source.ORDERS_IMPORT
    )
    return ApplyResult(
        created=recorded.created, updated=recorded.updated, unchanged=recorded.unchanged
    )


# CampaignsConfig.ready() registers it; the campaign's results page and import_job_create
# (kind="orders", scope={"campaign_id": ...}) run it.
KIND = KindSpec(
    "orders", "Shop orders (conversions)", FIELDS, _validate, _apply, writes=(Conversion,)
)
