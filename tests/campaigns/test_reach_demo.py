"""The issue 17 invariants over the seeded demo (every campaign of every organisation): the
results page's totals are the sums of its per-creator table, unique reach lies between the
largest creator's reach and the sum, the overlap page's union between its largest member and the
sum with no exclusive audience above the audience, and the roster board, the results page and
the optimiser agree on the committed fees, the optimiser keeping every contracted creator.
The same invariants on generated rosters: tests/scoring/test_reach_invariants.py."""

import math
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from campaigns.models import COMMITTED_STAGES, Campaign, RosterEntry
from campaigns.outcomes.selectors import campaign_results
from campaigns.selectors import roster_board
from creators.models import Category, Creator
from scoring.models import ScoreRun
from scoring.overlap_selectors import campaign_overlap
from scoring.services.overlaps import roster_optimise
from tenancy.models import Organization

TOLERANCE = 1e-6
SUMMED = ("reach", "impressions", "engagements", "clicks", "conversions", "revenue", "emv")


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    """seed_demo once for the module (committed), removed afterwards."""
    with django_db_blocker.unblock():
        call_command("seed_demo", creators=300, seed=7, stdout=StringIO())
        yield
        Organization.objects.all().delete()
        ScoreRun.objects.all().delete()
        Creator.objects.all().delete()
        Category.objects.all().delete()
        get_user_model().objects.all().delete()


@pytest.fixture
def campaigns(demo_once, db):
    found = list(Campaign.objects.select_related("brand__organization").order_by("pk"))
    assert len(found) >= 9
    return found


def test_results_totals_are_the_sums_of_the_per_creator_table(campaigns):
    with_results = 0
    for campaign in campaigns:
        results = campaign_results(campaign)
        rows = [c.metrics for c in results.creators]
        for key in SUMMED:
            values = [r[key] for r in rows if r[key] is not None]
            expected = sum(values) if values else None
            assert results.totals[key] == pytest.approx(expected), (campaign.name, key)
        costs = [r["cost"] for r in rows if r["cost"] is not None]
        assert results.spend == pytest.approx(sum(costs) if costs else None), campaign.name
        with_results += results.totals["reach"] is not None
    assert with_results >= 6  # the completed and active campaigns have readings


def test_unique_reach_between_the_largest_reach_and_the_sum(campaigns):
    checked = 0
    for campaign in campaigns:
        results = campaign_results(campaign)
        totals = results.totals
        reaches = [c.metrics["reach"] for c in results.creators]
        reaches = [r for r in reaches if r is not None]
        if not reaches:
            assert totals["unique_reach"] is None
            continue
        checked += 1
        low, high = totals["unique_reach_lower_bound"], totals["unique_reach"]
        assert max(reaches) - TOLERANCE <= low <= high + TOLERANCE, campaign.name
        assert high <= totals["reach"] + TOLERANCE, campaign.name
        if totals["cost_per_unique"] is not None:  # fewer people than reach: dearer each
            assert totals["cost_per_unique"] >= totals["cost"] / totals["reach"] - TOLERANCE
    assert checked >= 6


def test_overlap_union_and_exclusive_audiences(campaigns):
    for campaign in campaigns:
        reach = campaign_overlap(campaign).reach
        sizes = [m.audience for m in reach.members]
        if not sizes:
            continue
        assert max(sizes) - TOLERANCE <= reach.lower_bound <= reach.unique_reach + TOLERANCE
        assert reach.unique_reach <= reach.sum_followers + TOLERANCE
        for m in reach.members:
            if m.known:
                assert m.exclusive <= m.audience + TOLERANCE, (campaign.name, m.creator_id)
                assert m.marginal <= m.audience + TOLERANCE, (campaign.name, m.creator_id)


def test_committed_fees_agree_and_the_optimiser_keeps_contracted_creators(campaigns):
    with_contracts = 0
    for campaign in campaigns:
        board = roster_board(campaign=campaign)
        results = campaign_results(campaign)
        proposal = roster_optimise(campaign=campaign)
        committed = float(board["committed"])
        assert (results.spend or 0.0) == pytest.approx(committed), campaign.name
        assert proposal.committed_cost == pytest.approx(committed), campaign.name
        contracted = set(
            RosterEntry.objects.filter(campaign=campaign, stage__in=COMMITTED_STAGES).values_list(
                "creator_id", flat=True
            )
        )
        with_contracts += bool(contracted)
        assert contracted <= set(proposal.creator_ids), campaign.name
        assert proposal.total_cost <= proposal.budget + TOLERANCE or all(
            p.fixed for p in proposal.picks
        )
    assert with_contracts >= 6


def _figure(text: str) -> float | None:
    """A number as the page writes it: separators, a currency symbol, a k/M suffix."""
    match = re.search(r"(-?[\d,]*\.?\d+)\s*([kM]?)", text.replace("\u00a0", " "))
    if not match:
        return None
    value = float(match.group(1).replace(",", ""))
    return value * {"": 1, "k": 1e3, "M": 1e6}[match.group(2)]


def _cells(html: str, label: str) -> list[str]:
    """The cells of one column, found by the data-label every results cell carries."""
    return re.findall(rf'<td[^>]*data-label="{label}"[^>]*>(.*?)</td>', html, re.S)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).strip()


def test_results_page_kpis_reconcile_with_its_table(campaigns, client):
    del campaigns  # seeded
    owner = get_user_model().objects.get(username="agency_owner")
    client.force_login(owner)
    mine = list(Campaign.objects.for_user(owner).order_by("pk"))
    assert mine
    for campaign in mine:
        html = client.get(reverse("campaigns:results", args=[campaign.pk])).content.decode()
        table = html[html.index('id="creator-results"') :].split("</table>")[0]
        body, foot = table.split("<tbody>")[1].split("</tbody>")
        # Every summed column: the totals row is the sum of the creators' cells.
        for label in ("Fee", "Reach", "Impressions", "Engagements", "Clicks", "Conversions"):
            cells = [_figure(_text(c)) for c in _cells(body, label)]
            measured_cells = [v for v in cells if v is not None]
            (total_cell,) = _cells(foot, label) or [""]
            foot_total = _figure(_text(total_cell))
            if not measured_cells:
                assert foot_total is None, (campaign.name, label)
                continue
            assert foot_total == pytest.approx(sum(measured_cells), rel=0.01), (
                campaign.name,
                label,
            )
        measured = [v for v in (_figure(_text(c)) for c in _cells(body, "Reach")) if v is not None]
        kpi = re.search(r'id="kpi-reach">(.*?)</dd>', html, re.S).group(1)
        total = _figure(_text(kpi))
        if total is None:
            assert not measured
            continue
        # To display precision: the page may round or abbreviate each figure.
        assert total == pytest.approx(sum(measured), rel=0.01), campaign.name
        unique = re.search(r'id="kpi-unique">(.*?)</dd>', html, re.S).group(1)
        ends = [_figure(part) for part in _text(unique).split("–")]
        assert all(e is not None and not math.isnan(e) for e in ends), campaign.name
        assert max(measured) * 0.99 <= min(ends) <= max(ends) <= total * 1.01, campaign.name
