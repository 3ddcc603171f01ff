"""The API's `*_display` fields: read-only text written by matchmaker.lib.formatting (the
pages' text) beside each raw number, for campaigns, roster entries, creators and matches."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework import serializers

from matchmaker.api.display import Display
from matchmaker.lib import formatting
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_campaign_money_and_dates(world, api_for):
    campaign = world.campaign_a
    campaign.budget, campaign.currency = Decimal("40000.00"), "EUR"
    campaign.starts_on, campaign.ends_on = date(2026, 11, 1), None
    campaign.save()
    body = api_for(world.viewer_a).get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert (body["budget"], body["budget_display"]) == ("40000.00", "€40,000")
    assert body["starts_on_display"] == "1 Nov 2026" and body["ends_on_display"] == "—"


def test_roster_fee_in_the_campaigns_currency(world, api_for):
    world.campaign_a.currency = "GBP"
    world.campaign_a.save()
    entry = f.RosterEntryFactory(campaign=world.campaign_a, agreed_fee=Decimal("3470.50"))
    f.RosterEntryFactory(campaign=world.campaign_a, agreed_fee=None)
    body = api_for(world.viewer_a).get(f"/api/v1/campaigns/{world.campaign_a.pk}/roster/").json()
    fees = {e["id"]: e["agreed_fee_display"] for e in body["results"]}
    assert fees[entry.pk] == "£3,471" and "—" in fees.values()


def test_creator_list_rates_counts_and_price(world, api_for, scored):
    body = api_for(world.viewer_a).get("/api/v1/creators/", {"sort": "followers"}).json()
    row = next(r for r in body["results"] if r["handle"] == "api_creator2")
    assert (row["followers"], row["followers_display"]) == (90_000, "90,000")
    assert (row["er_median"], row["er_median_display"]) == (0.01, "1.0%")
    assert row["er_percentile_display"] == "30th percentile"
    assert row["growth_30d_display"] == "1.0%" and row["authenticity_score_display"] == "60"
    assert row["price_display"] == formatting.money(row["price"], row["price_currency"])


def test_match_total_and_reach(world, api_for, scored):
    body = api_for(world.viewer_a).get(f"/api/v1/campaigns/{world.campaign_a.pk}/matches/").json()
    first = body["results"][0]
    assert (first["total"], first["total_display"]) == (pytest.approx(0.9), "90")
    assert first["followers_display"] == "20,000"


def test_display_fields_are_read_only_and_checked():
    class Thing(serializers.Serializer):
        fee_display = Display("money", "fee", currency="currency")
        er_display = Display("rate", "stats.er")

    data = Thing({"fee": 12.5, "currency": "chf", "stats": {"er": 0.1035}}).data
    assert data == {"fee_display": "CHF\u00a012.50", "er_display": "10.4%"}
    assert Thing({}).data == {"fee_display": "—", "er_display": "—"}
    written = Thing(data={"fee_display": "x"})
    assert written.is_valid() and written.validated_data == {}  # ignored on write
    with pytest.raises(ValueError, match="unknown display kind"):
        Display("percent", "x")
    with pytest.raises(ValueError, match="only money"):
        Display("rate", "x", currency="currency")
