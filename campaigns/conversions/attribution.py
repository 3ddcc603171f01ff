"""Which roster entry an order is owed to, and what an order counts for: pure functions, no ORM.

Attribution, per campaign (`attribute`):
1. a promo code of the campaign's roster used on the order wins (the creator's own code);
2. else the last tracked-link click within the attribution window: the order may quote several
   click ids (`<code>.<base36 seconds>.<random>`, campaigns.tracking.new_click_id); the latest
   whose link is on this campaign and whose time is at most `window_days` days before the order
   (the window's end is in, one second more is out; a click up to CLOCK_SKEW after the order
   counts, the shop's clock and ours differ) is the one. The older ids without a time cannot be
   checked against the window and never attribute;
3. else the landing page's utm_content naming a rostered creator's handle (or its link code):
   the visit that ordered came from that creator's link.
Each order records which rule placed it (`attributed_by`: promo_code, click, utm, or "").

Orders (`merge_order`): one state per order id. A re-sent order updates it; a refund (a
negative amount, a refunded amount, or a refunded status) raises its refunded amount, never past
the order's amount, and a cancellation is final; refunds are totals, not increments, so a refund
sent twice reverses once. Only approved and partially refunded orders count
(`COUNTED_STATUSES`), for their amount less what was refunded.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pandas as pd

CLOCK_SKEW = timedelta(minutes=5)
PENDING, APPROVED, PARTIALLY_REFUNDED, REFUNDED, CANCELLED = (
    "pending",
    "approved",
    "partially_refunded",
    "refunded",
    "cancelled",
)
STATUSES = (PENDING, APPROVED, PARTIALLY_REFUNDED, REFUNDED, CANCELLED)
COUNTED_STATUSES = (APPROVED, PARTIALLY_REFUNDED)
_SEPARATORS = r"[\s,;|]+"
_BASE36 = set("0123456789abcdefghijklmnopqrstuvwxyz")
LATEST_CLICK_SECONDS = 4_102_444_800  # 2100-01-01 UTC: a later stamp is forged (and unparsable)


def _text(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.strip()


def click_times(click_ids: pd.Series) -> pd.DataFrame:
    """Each click id of each row (several may be separated by spaces or commas): columns row
    (the input's index), code, clicked_at (UTC; NaT for ids without a time)."""
    ids = _text(click_ids).str.split(_SEPARATORS).explode()
    ids = ids[ids != ""]
    parts = ids.str.split(".", expand=True) if len(ids) else pd.DataFrame(index=ids.index)
    for column in (0, 1, 2):
        if column not in parts:
            parts[column] = None
    two = parts[2].isna() & parts[1].notna()
    three = parts[2].notna() & parts[1].notna()
    stamp = parts[1].where(three, "")
    valid_stamp = stamp.map(lambda s: 0 < len(s) <= 8 and set(s) <= _BASE36)
    seconds = stamp.where(valid_stamp).map(lambda s: int(s, 36), na_action="ignore")
    valid_stamp &= seconds.le(LATEST_CLICK_SECONDS)  # a forged stamp: no click
    seconds = seconds.where(valid_stamp)
    clicked = pd.to_datetime(seconds.astype("float64"), unit="s", utc=True)
    keep = (two | (three & valid_stamp)) & parts[0].fillna("").ne("")
    return pd.DataFrame(
        {
            "row": ids.index[keep.to_numpy()],
            "code": parts[0][keep].to_numpy(),
            "clicked_at": clicked[keep].array,
        }
    )


def attribute(
    orders: pd.DataFrame,
    *,
    promo_codes: dict[str, int],
    link_codes: dict[str, int],
    utm_contents: dict[str, int],
    window_days: int,
) -> pd.DataFrame:
    """`orders` (columns occurred_at (UTC), promo_code, click_id, utm_content) with entry_id
    (nullable) and attributed_by added. `promo_codes`: the roster's codes (any case) -> entry id;
    `link_codes`: link code -> entry id; `utm_contents`: handle or link code (any case) -> entry."""
    out = orders.copy()
    index = out.index
    codes = {str(k).upper(): v for k, v in promo_codes.items() if k}
    used = _text(out["promo_code"]).str.upper().str.split(_SEPARATORS).explode()
    by_code = used.map(codes).dropna()
    by_code = by_code[~by_code.index.duplicated(keep="first")].reindex(index)

    clicks = click_times(out["click_id"])
    clicks = clicks.assign(entry_id=clicks["code"].map(link_codes))
    occurred = pd.to_datetime(out["occurred_at"], utc=True)
    clicks["occurred_at"] = occurred.reindex(clicks["row"]).array
    age = clicks["occurred_at"] - clicks["clicked_at"]
    within = clicks["entry_id"].notna() & (age <= pd.Timedelta(days=window_days))
    within &= age >= -pd.Timedelta(CLOCK_SKEW)
    last = clicks[within].sort_values("clicked_at").groupby("row")["entry_id"].last()
    by_click = last.reindex(index)

    contents = {str(k).lower(): v for k, v in utm_contents.items() if k}
    by_utm = _text(out["utm_content"]).str.lower().str.lstrip("@").map(contents)

    found = [
        pd.to_numeric(x, errors="coerce").astype("float64") for x in (by_code, by_click, by_utm)
    ]
    out["entry_id"] = found[0].fillna(found[1]).fillna(found[2]).astype("Int64")
    out["attributed_by"] = "utm"
    out.loc[by_click.notna(), "attributed_by"] = "click"
    out.loc[by_code.notna(), "attributed_by"] = "promo_code"
    out.loc[out["entry_id"].isna(), "attributed_by"] = ""
    return out


# --- Orders --------------------------------------------------------------------------------
_RANK = {PENDING: 0, APPROVED: 1}


def merge_order(existing: dict | None, incoming: dict) -> dict:
    """The order's state after `incoming` (keys amount (Decimal, negative = a refund of that
    much), refunded_amount (Decimal or None), status (one of STATUSES or ""), currency,
    occurred_at, promo_code, click_id, utm_content) on top of `existing` (a state this returned,
    or None). Idempotent: merging the same message again changes nothing."""
    amount = incoming.get("amount")
    gross = amount if amount is not None and amount >= 0 else None
    refunded = incoming.get("refunded_amount") or Decimal("0")
    if amount is not None and amount < 0:
        refunded = max(refunded, -amount)
    status = incoming.get("status") or APPROVED
    previous = existing or {}
    if gross is None or (gross == 0 and previous.get("amount")):
        gross = previous.get("amount")
    if gross is None:  # a refund of an order not seen yet: the order was at least that much
        gross = refunded
    if status == REFUNDED and not incoming.get("refunded_amount") and not (amount or 0) < 0:
        refunded = gross
    refunded = min(max(refunded, previous.get("refunded_amount") or Decimal("0")), gross)
    statuses = {status, previous.get("status") or status}
    if CANCELLED in statuses:
        state = CANCELLED
    elif gross > 0 and refunded >= gross:
        state = REFUNDED
    elif refunded > 0:
        state = PARTIALLY_REFUNDED
    else:
        state = max((s for s in statuses if s in _RANK), key=_RANK.get, default=APPROVED)
    merged = {
        "amount": gross,
        "refunded_amount": refunded,
        "status": state,
        "currency": previous.get("currency") or incoming.get("currency") or "",
        "occurred_at": previous.get("occurred_at") or incoming.get("occurred_at"),
    }
    for key in ("promo_code", "click_id", "utm_content"):
        merged[key] = incoming.get(key) or previous.get(key) or ""
    return merged


def measured_totals(conversions: pd.DataFrame) -> pd.DataFrame:
    """Per entry_id: conversions (counted orders) and revenue (their amounts less refunds), from
    a frame of entry_id, amount, refunded_amount, status. Unattributed orders are left out."""
    frame = conversions[conversions["entry_id"].notna()]
    counted = frame["status"].isin(COUNTED_STATUSES)
    net = (frame["amount"].astype(float) - frame["refunded_amount"].astype(float)).where(
        counted, 0.0
    )
    totals = (
        pd.DataFrame(
            {"entry_id": frame["entry_id"], "conversions": counted.astype(int), "revenue": net}
        )
        .groupby("entry_id")[["conversions", "revenue"]]
        .sum()
    )
    totals["revenue"] = totals["revenue"].round(2)
    return totals
