"""Attribution and order merging on hand-made frames (campaigns.conversions.attribution)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandas as pd

from campaigns.conversions.attribution import (
    attribute,
    click_times,
    measured_totals,
    merge_order,
)
from campaigns.tracking import new_click_id, parse_click_id

CLICKED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
KEYS = {
    "promo_codes": {"LUMEN-LENA": 1, "LUMEN-OTTO": 2},
    "link_codes": {"lenaLINK": 1, "ottoLINK": 2},
    "utm_contents": {"leafy.lena": 1, "oat.otto": 2},
    "window_days": 30,
}


def orders(*rows):
    return pd.DataFrame(
        [
            {"occurred_at": at, "promo_code": code, "click_id": click, "utm_content": utm}
            for at, code, click, utm in rows
        ]
    )


def test_click_ids_carry_their_time_and_old_ones_still_parse():
    click = new_click_id("lenaLINK", CLICKED)
    assert parse_click_id(click) == ("lenaLINK", CLICKED)
    assert parse_click_id("lenaLINK.Zx9_aQ-b7c1d") == ("lenaLINK", None)
    assert parse_click_id("no-dots") is None and parse_click_id("a.!!.b") is None
    frame = click_times(pd.Series([f"{click} lenaLINK.old", "", None]))
    assert frame["row"].tolist() == [0, 0]
    assert frame["clicked_at"].iloc[0] == CLICKED and pd.isna(frame["clicked_at"].iloc[1])


def test_window_end_is_in_one_second_past_is_out():
    click = new_click_id("lenaLINK", CLICKED)
    end = CLICKED + timedelta(days=30)
    out = attribute(
        orders(
            (end, "", click, ""),
            (end + timedelta(seconds=1), "", click, ""),
            (CLICKED - timedelta(minutes=4), "", click, ""),  # within the clock skew
            (CLICKED - timedelta(minutes=6), "", click, ""),  # before the click
        ),
        **KEYS,
    )
    assert out["entry_id"].tolist() == [1, pd.NA, 1, pd.NA]
    assert out["attributed_by"].tolist() == ["click", "", "click", ""]


def test_shorter_window_of_the_campaign():
    click = new_click_id("lenaLINK", CLICKED)
    at = CLICKED + timedelta(days=7, seconds=1)
    out = attribute(orders((at, "", click, "")), **{**KEYS, "window_days": 7})
    assert out["attributed_by"].tolist() == [""]


def test_promo_code_beats_click_and_click_beats_utm():
    otto_click = new_click_id("ottoLINK", CLICKED)
    at = CLICKED + timedelta(days=1)
    out = attribute(
        orders(
            (at, "lumen-lena", otto_click, "oat.otto"),
            (at, "", otto_click, "leafy.lena"),
            (at, "", "", "@Leafy.Lena"),
            (at, "SUMMER10, LUMEN-OTTO", "", ""),  # several codes: the roster's one
            (at, "SUMMER10", "otherLINK." + otto_click.split(".", 1)[1], "someone"),
        ),
        **KEYS,
    )
    assert out["entry_id"].tolist() == [1, 2, 1, 2, pd.NA]
    assert out["attributed_by"].tolist() == ["promo_code", "click", "utm", "promo_code", ""]


def test_last_click_within_the_window_wins():
    lena = new_click_id("lenaLINK", CLICKED)
    otto = new_click_id("ottoLINK", CLICKED + timedelta(days=2))
    too_old = new_click_id("ottoLINK", CLICKED - timedelta(days=40))
    at = CLICKED + timedelta(days=3)
    out = attribute(
        orders((at, "", f"{otto} {lena}", ""), (at, "", f"{lena},{too_old}", "")), **KEYS
    )
    assert out["entry_id"].tolist() == [2, 1]


def test_old_click_ids_without_a_time_do_not_attribute():
    out = attribute(orders((CLICKED, "", "lenaLINK.Zx9_aQ-b7c1d", "")), **KEYS)
    assert out["attributed_by"].tolist() == [""]


def incoming(amount, **kw):
    return {"amount": Decimal(amount), "currency": "USD", "occurred_at": CLICKED, **kw}


def test_merge_is_idempotent_and_refunds_reverse_once():
    first = merge_order(None, incoming("100.00", promo_code="LUMEN-LENA"))
    assert merge_order(first, incoming("100.00")) == first
    partial = merge_order(first, incoming("-30.00"))
    assert (partial["status"], partial["refunded_amount"]) == ("partially_refunded", Decimal(30))
    assert merge_order(partial, incoming("-30.00")) == partial  # the same refund again
    assert partial["promo_code"] == "LUMEN-LENA"  # the evidence stays
    full = merge_order(partial, incoming("-100.00"))
    assert (full["status"], full["refunded_amount"], full["amount"]) == (
        "refunded",
        Decimal(100),
        Decimal(100),
    )
    assert merge_order(full, incoming("100.00"))["status"] == "refunded"  # a late re-send
    cancelled = merge_order(first, incoming("100.00", status="cancelled"))
    assert merge_order(cancelled, incoming("100.00", status="approved"))["status"] == "cancelled"


def test_refund_before_the_order_and_status_ranks():
    refund_first = merge_order(None, incoming("-20.00"))
    assert (refund_first["amount"], refund_first["status"]) == (Decimal(20), "refunded")
    order = merge_order(refund_first, incoming("80.00"))
    assert (order["amount"], order["refunded_amount"], order["status"]) == (
        Decimal(80),
        Decimal(20),
        "partially_refunded",
    )
    pending = merge_order(None, incoming("10.00", status="pending"))
    paid = merge_order(pending, incoming("10.00", status="approved"))
    assert paid["status"] == "approved"
    assert merge_order(paid, incoming("10.00", status="pending"))["status"] == "approved"
    whole = merge_order(None, incoming("50.00", status="refunded"))
    assert whole["refunded_amount"] == Decimal(50)


def test_measured_totals_count_each_order_once_net_of_refunds():
    frame = pd.DataFrame(
        {
            "entry_id": [1, 1, 1, 2, None, 2],
            "amount": [
                Decimal(100),
                Decimal(50),
                Decimal(40),
                Decimal(10),
                Decimal(99),
                Decimal(5),
            ],
            "refunded_amount": [
                Decimal(0),
                Decimal(20),
                Decimal(40),
                Decimal(0),
                Decimal(0),
                Decimal(0),
            ],
            "status": [
                "approved",
                "partially_refunded",
                "refunded",
                "cancelled",
                "approved",
                "pending",
            ],
        }
    )
    totals = measured_totals(frame)
    assert totals.loc[1].tolist() == [2, 130.0]
    assert totals.loc[2].tolist() == [0, 0.0]
    assert list(totals.index) == [1, 2]  # the unattributed order is no one's


def test_a_forged_click_time_is_no_click_and_no_crash():
    """8 base-36 digits reach year 91367: beyond what datetime and pandas hold."""
    forged = "lenaLINK.zzzzzzzz.abc"
    assert parse_click_id(forged) is None
    frame = click_times(pd.Series([forged, new_click_id("lenaLINK")]))
    assert list(frame["row"]) == [1]
