"""The client report's fees (issue 21): "fees and margins hidden unless the owner ticks them",
and the client fee with the agency's margin internal only.

Unticked, the shared page and its PDF hold no fee and no figure computed from fees: spend,
CPM, CPE, CPC, CPA, ROAS and cost per unique reached all reveal the fees (a client who knows
the impressions and the CPM knows the fee), so none of them appears. Ticked, the creator fees
and those costs appear, but never the client fee or the margin: the client fee beside the
creator fees gives the margin away by a subtraction. The margin (results page only) is the
client fee less the committed creator fees, the roster board's committed figure.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns import selectors as campaign_selectors
from campaigns.models import RosterEntry, Stage
from campaigns.outcomes import display
from campaigns.outcomes import selectors as outcome_selectors
from campaigns.sharing import services
from matchmaker.lib import formatting
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def generous_rate(settings):
    settings.SHARE_RATE_LIMIT = 10_000


@pytest.fixture
def campaign(world):
    """Three committed creators with distinctive fees (one on its quoted price), one shortlisted
    with a fee that commits nothing, readings with impressions, clicks, conversions and
    revenue so every cost figure exists; client fee 9,876.50."""
    campaign = world.campaign_a
    campaign.client_fee = Decimal("9876.50")
    campaign.save()
    rows = (
        (
            "ana.one",
            Stage.CONTENT_LIVE,
            Decimal("1234.56"),
            None,
            23_456,
            7_771,
            311,
            17,
            "4321.09",
        ),
        ("ben.two", Stage.COMPLETED, Decimal("777.70"), None, 13_579, 3_331, 97, 3, "612.34"),
        ("cleo.three", Stage.CONTRACTED, None, Decimal("1515.15"), 8_642, 2_221, 41, 5, "901.23"),
        ("dan.four", Stage.SHORTLISTED, Decimal("3333.33"), None, None, None, None, None, None),
    )
    for handle, stage, fee, quoted, impressions, reach, clicks, conversions, revenue in rows:
        entry = f.RosterEntryFactory(
            campaign=campaign,
            creator=f.CreatorFactory(handle=handle, quoted_price=quoted),
            stage=stage,
            agreed_fee=fee,
        )
        if impressions is not None:
            f.OutcomeFactory(
                deliverable=f.DeliverableFactory(entry=entry),
                impressions=impressions,
                reach=reach,
                likes=reach // 9,
                comments=reach // 97,
                clicks=clicks,
                conversions=conversions,
                revenue=Decimal(revenue),
            )
    return campaign


def fee_derived_texts(campaign) -> set[str]:
    """Every fee, and every figure computed from fees, as the report would write it."""
    results = outcome_selectors.campaign_results(campaign)
    cur = campaign.currency
    texts = set()
    for metrics in [c.metrics for c in results.creators] + [results.totals]:
        for key in ("cost", "cpm", "cpe", "cpc", "cpa", "roas", "cost_per_unique"):
            value = metrics.get(key)
            if value is not None:
                kind = display.BY_KEY[key].kind if key in display.BY_KEY else display.MONEY
                texts.add(display.metric_text(kind, value, cur))
    texts.add(formatting.money(results.spend, cur))
    return texts


def internal_texts(campaign) -> set[str]:
    """The client fee and the margin, as the results page writes them."""
    results = outcome_selectors.campaign_results(campaign)
    cur = campaign.currency
    margin = Decimal(campaign.client_fee) - Decimal(str(results.spend))
    return {
        formatting.money(campaign.client_fee, cur),
        formatting.money(margin, cur),
        formatting.rate(float(margin / Decimal(campaign.client_fee))),
    }


def shown_texts(campaign) -> set[str]:
    """What the report shows in any case (so a fee text that collides with one is no proof)."""
    results = outcome_selectors.campaign_results(campaign)
    cur = campaign.currency
    texts = set()
    for metrics in [c.metrics for c in results.creators] + [results.totals]:
        for key in (
            "reach",
            "impressions",
            "engagements",
            "clicks",
            "conversions",
            "revenue",
            "emv",
            "er",
        ):
            texts.add(display.format_metric(key, metrics.get(key), cur))
    return texts


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def report(client, campaign, user, *, show_fees: bool) -> tuple[str, str]:
    _, raw = services.share_link_create(campaign=campaign, user=user, show_fees=show_fees)
    html = client.get(reverse("share_report", args=[raw])).content.decode()
    pdf = pdf_text(client.get(reverse("share_report_pdf", args=[raw])).content)
    return html, pdf


def test_the_fixture_has_every_fee_figure_and_no_collision(campaign):
    fees = fee_derived_texts(campaign)
    assert len(fees) >= 15  # fees, spend, CPM, CPE, CPC, CPA, ROAS, cost per unique
    assert not fees & shown_texts(campaign)
    assert not internal_texts(campaign) & shown_texts(campaign)


def test_unticked_page_and_pdf_hold_no_fee_nor_any_figure_from_fees(client, world, campaign):
    html, pdf = report(client, campaign, world.owner_a, show_fees=False)
    for text in fee_derived_texts(campaign) | internal_texts(campaign):
        assert text not in html, text
        assert text not in pdf, text
    for word in ("Fee", "fee", "CPM", "CPE", "CPC", "CPA", "ROAS", "Spend", "margin", "Margin"):
        assert word not in html, word
        assert word not in pdf, word
    assert "4,321.09" not in html  # revenue is shown to the dollar, but it is no fee
    assert "$5,835" in html  # revenue 4,321.09 + 612.34 + 901.23: shown, not cost-derived


def test_ticked_shows_fees_and_costs_but_never_the_client_fee_or_margin(client, world, campaign):
    html, pdf = report(client, campaign, world.owner_a, show_fees=True)
    results = outcome_selectors.campaign_results(campaign)
    cur = campaign.currency
    spend = formatting.money(results.spend, cur)
    cpa = display.format_metric("cpa", results.totals["cpa"], cur)
    for text in (spend, "$1,235", "$778", "$1,515", cpa):
        assert text in html, text
        assert text in pdf, text
    for text in internal_texts(campaign) | {"Campaign fee", "Client fee", "margin", "Margin"}:
        assert text not in html, text
        assert text not in pdf, text
    assert "$3,333" not in html  # the shortlisted creator's fee commits nothing: no spend


def test_the_members_pdf_with_fees_never_shows_the_client_fee(client, world, campaign):
    client.force_login(world.viewer_a)
    path = reverse("campaigns:results_report_pdf", args=[campaign.pk])
    text = pdf_text(client.get(path + "?fees=1").content)
    assert formatting.money(outcome_selectors.campaign_results(campaign).spend, "USD") in text
    for internal in internal_texts(campaign):
        assert internal not in text, internal


def test_margin_is_client_fee_less_the_rosters_committed_fees(client_for, world, campaign):
    entries = RosterEntry.objects.filter(campaign=campaign).select_related("creator")
    committed = campaign_selectors.committed_total(campaign_selectors.committed_fees(entries))
    assert committed == Decimal("1234.56") + Decimal("777.70") + Decimal("1515.15")
    client = client_for(world.viewer_a)
    results_html = client.get(reverse("campaigns:results", args=[campaign.pk])).content.decode()
    margin = campaign.client_fee - committed
    assert f"creator fees {formatting.money(committed, 'USD')}" in results_html
    assert f"margin {formatting.money(margin, 'USD')}" in results_html  # $6,349
    assert formatting.money(margin, "USD") == "$6,349"
    share = formatting.rate(float(margin / campaign.client_fee))
    assert f"({share} of the client fee)" in results_html
    roster_html = client.get(reverse("campaigns:roster", args=[campaign.pk])).content.decode()
    committed_text = formatting.money(committed, "USD")
    assert f'id="budget-committed">{committed_text}<' in roster_html
