"""Golden tests of the outcome metrics, with missing inputs (None, never 0) and zero divisors."""

import pytest

from scoring.metrics import outcomes as m

FULL = {
    "reach": 10_000,
    "impressions": 20_000,
    "views": 5_000,
    "likes": 400,
    "comments": 50,
    "shares": 30,
    "saves": 20,
    "clicks": 250,
    "conversions": 10,
    "revenue": 1_500,
}


def test_golden_cost_metrics():
    r = m.cost_metrics(cost=500, totals=FULL, followers=50_000, unique_reach=8_000, emv_value=160)
    assert r["engagements"] == 500
    assert r["er"] == pytest.approx(0.05) and r["er_basis"] == "reach"
    assert r["cpm"] == pytest.approx(25.0)  # 500 / 20,000 x 1000
    assert r["cpe"] == pytest.approx(1.0)
    assert r["cpc"] == pytest.approx(2.0)
    assert r["cpa"] == pytest.approx(50.0)
    assert r["roas"] == pytest.approx(3.0)
    assert r["cost_per_unique"] == pytest.approx(0.0625)
    assert r["emv"] == 160


def test_er_falls_back_to_followers_and_is_labelled():
    totals = {**FULL, "reach": None}
    r = m.cost_metrics(cost=500, totals=totals, followers=50_000)
    assert r["er"] == pytest.approx(0.01) and r["er_basis"] == "followers"
    assert m.engagement_rate(None, None, None) == (None, None)


@pytest.mark.parametrize(
    "field, metric",
    [("impressions", "cpm"), ("clicks", "cpc"), ("conversions", "cpa"), ("revenue", "roas")],
)
def test_missing_input_is_none_not_zero(field, metric):
    r = m.cost_metrics(cost=500, totals={**FULL, field: None})
    assert r[metric] is None


@pytest.mark.parametrize(
    "field, metric",
    [("impressions", "cpm"), ("clicks", "cpc"), ("conversions", "cpa")],
)
def test_zero_divisor_is_none(field, metric):
    assert m.cost_metrics(cost=500, totals={**FULL, field: 0})[metric] is None


def test_missing_or_zero_cost():
    r = m.cost_metrics(cost=None, totals=FULL)
    assert all(r[k] is None for k in ("cpm", "cpe", "cpc", "cpa", "roas", "cost_per_unique"))
    r = m.cost_metrics(cost=0, totals=FULL)
    assert r["cpm"] == 0.0 and r["roas"] is None  # free post: costs are 0, ROAS undefined


def test_no_engagement_fields_gives_none_and_partial_sums():
    assert m.engagements({}) is None
    assert m.engagements({"likes": 0}) == 0
    assert m.engagements({"likes": 3, "saves": None, "comments": 2}) == 5
    r = m.cost_metrics(cost=100, totals={"impressions": 1000})
    assert r["cpe"] is None and r["er"] is None


def test_unique_reach_unavailable():
    r = m.cost_metrics(cost=100, totals=FULL, unique_reach=None)
    assert r["unique_reach"] is None and r["cost_per_unique"] is None


def test_emv_uses_visible_cpm():
    assert m.emv(20_000, 8.0) == pytest.approx(160.0)
    assert m.emv(None, 8.0) is None
    assert m.emv(20_000, None) is None


def test_sum_readings_keeps_unmeasured_fields_none():
    totals = m.sum_readings([{"reach": 10, "likes": None}, {"reach": 5, "likes": 2}, {}])
    assert totals["reach"] == 15 and totals["likes"] == 2 and totals["clicks"] is None


def test_prediction_error_mape_and_bias():
    e = m.prediction_error([(120, 100), (80, 100), (None, 5), (10, 0)])
    assert e["n"] == 2
    assert e["mape"] == pytest.approx(0.2)
    assert e["bias"] == pytest.approx(0.0)
    over = m.prediction_error([(150, 100)])
    assert over["bias"] == pytest.approx(0.5)
    assert m.prediction_error([]) == {"mape": None, "bias": None, "n": 0}


def test_engagements_column_is_the_same_definition_vectorised():
    import pandas as pd

    readings = [
        FULL,
        {"likes": 3, "saves": None, "comments": 2},
        {"shares": 7},
        {"reach": 100},
        {"likes": 0},
    ]
    frame = pd.DataFrame(readings, columns=[*m.ENGAGEMENT_FIELDS, "reach"])
    column = m.engagements_column(frame)
    expected = [m.engagements(r) for r in readings]
    assert expected == [500, 5, 7, None, 0]
    assert [None if pd.isna(v) else v for v in column] == expected
