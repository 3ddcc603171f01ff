"""Overlap service (stored pairs, unique reach, failures), sketch rebuild, optimiser service,
and the overlap/optimiser pages with tenancy."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import RosterEntry
from creators.models import AudienceSketch
from matchmaker.lib import sketches
from scoring.metrics.optimiser import OptimiserError
from scoring.models import CreatorOverlap, ScoreRun
from scoring.overlap_selectors import campaign_overlap, new_audience_gain
from scoring.services.overlaps import (
    audience_sketches_rebuild,
    recompute_overlaps,
    roster_optimise,
)
from tests import factories as f


def _sample(creator, ids):
    AudienceSketch.objects.create(creator=creator, **sketches.sketch_values(ids))


def _match(campaign, creator, rank, fit=0.5):
    return f.MatchScoreFactory(
        campaign=campaign,
        creator=creator,
        rank=rank,
        audience_fit=fit,
        target_reach=creator.followers * fit,
    )


@pytest.fixture
def setup(world):
    """Roster: a (ids 0..999), b (500..1499, half of a), c (no sample). Candidates d (disjoint)
    and e (same as a), all with quoted prices."""
    c = {
        name: f.CreatorFactory(handle=name, followers=1000, quoted_price=Decimal("100"))
        for name in "abcde"
    }
    _sample(c["a"], range(1000))
    _sample(c["b"], range(500, 1500))
    _sample(c["d"], range(5000, 6000))
    _sample(c["e"], range(1000))
    for rank, name in enumerate("abcde", start=1):
        _match(world.campaign_a, c[name], rank)
    for name in "abc":
        f.RosterEntryFactory(campaign=world.campaign_a, creator=c[name])
    return c


def test_recompute_overlaps_stores_pairs_and_unique_reach(world, setup):
    c = setup
    run = recompute_overlaps(campaign_id=world.campaign_a.pk)
    assert run.status == ScoreRun.Status.SUCCEEDED
    # Known creators a, b, d, e: 6 pairs; c has no sample so no row is invented.
    assert CreatorOverlap.objects.count() == 6
    ab = CreatorOverlap.objects.get(
        creator_a=min(c["a"].pk, c["b"].pk), creator_b=max(c["a"].pk, c["b"].pk)
    )
    assert ab.share_a == pytest.approx(0.5)
    assert ab.jaccard == pytest.approx(500 / 1500)
    # Unique reach: a|b = 1500 known, plus c's 1000 followers counted separately.
    assert run.scope["unique_reach"] == pytest.approx(2500)
    assert run.scope["overlap_unknown"] == [c["c"].pk]
    # A second run replaces, not duplicates.
    recompute_overlaps(campaign_id=world.campaign_a.pk)
    assert CreatorOverlap.objects.count() == 6


# Committing transactions: PostgreSQL checks foreign keys at commit, which a test wrapped in one
# rolled-back transaction would never reach.
@pytest.mark.django_db(transaction=True)
def test_recompute_overlaps_for_a_campaign_deleted_before_the_task_runs(world, setup):
    from campaigns.models import Campaign
    from scoring.tasks import recompute_overlaps as task

    campaign_id = world.campaign_a.pk
    Campaign.objects.filter(pk=campaign_id).delete()
    assert recompute_overlaps(campaign_id=campaign_id) is None
    assert task.delay(campaign_id).get() is None
    assert not ScoreRun.objects.filter(campaign_id=campaign_id).exists()
    assert CreatorOverlap.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_recompute_overlaps_for_a_campaign_deleted_while_computing(world, setup, monkeypatch):
    from campaigns.models import Campaign
    from scoring.metrics import overlap

    campaign_id = world.campaign_a.pk
    recompute_overlaps(campaign_id=campaign_id)
    assert CreatorOverlap.objects.count() == 6
    compute = overlap.overlap_matrix

    def deleted_meanwhile(auds):
        # Stands in for a user deleting the campaign while the worker computes.
        Campaign.objects.filter(pk=campaign_id).delete()
        return compute(auds)

    monkeypatch.setattr(overlap, "overlap_matrix", deleted_meanwhile)
    assert recompute_overlaps(campaign_id=campaign_id) is None
    assert not ScoreRun.objects.filter(campaign_id=campaign_id).exists()
    # The earlier rows stay as they were (their run went with the campaign); none were replaced.
    assert CreatorOverlap.objects.count() == 6
    assert set(CreatorOverlap.objects.values_list("run_id", flat=True)) == {None}


def test_campaign_overlap_selector_and_new_audience_gain(world, setup):
    c = setup
    data = campaign_overlap(world.campaign_a)
    assert [x.handle for x in data.creators] == ["a", "b", "c"]
    row_a = data.rows[0][1]
    assert row_a[1].share == pytest.approx(0.5) and row_a[1].measurable
    assert row_a[2].share is None and row_a[2].heat == "h-unknown"
    exclusive = {cr.handle: m for cr, m in data.contributions}
    assert exclusive["a"].exclusive == pytest.approx(500)
    assert exclusive["c"].exclusive is None
    unsampled = f.CreatorFactory(handle="nosample")
    asked = [c["d"].pk, c["e"].pk, c["a"].pk, unsampled.pk]
    gains = new_audience_gain(world.campaign_a, asked)
    assert gains == {c["d"].pk: 1000.0, c["e"].pk: 0.0, c["a"].pk: 0.0, unsampled.pk: None}


def test_sketch_rebuild_only_touches_other_methods(world, setup):
    AudienceSketch.objects.filter(creator=setup["a"]).update(method="minhash-128", sketch=b"")
    assert audience_sketches_rebuild() == 1
    row = AudienceSketch.objects.get(creator=setup["a"])
    assert row.method == sketches.SKETCH_METHOD
    assert sketches.read_sketch(row.sketch).size == 1000
    assert audience_sketches_rebuild(force=True) == 4


def test_roster_optimise_prefers_new_audiences(world, setup):
    c = setup
    RosterEntry.objects.filter(campaign=world.campaign_a).delete()
    f.CreatorMetricsFactory(
        creator=c["c"], computed_at=timezone.now(), tier="nano", estimated_price=Decimal("100")
    )
    proposal = roster_optimise(campaign=world.campaign_a, budget=Decimal("200"))
    # a and e are identical; d is disjoint from both: never pay for a and e together.
    ids = set(proposal.creator_ids)
    assert not {c["a"].pk, c["e"].pk} <= ids
    assert proposal.total_cost <= 200
    assert proposal.total_value == pytest.approx(1000)  # 2 x 500 target reach, disjoint
    with pytest.raises(OptimiserError, match="more than the budget"):
        roster_optimise(campaign=world.campaign_a, budget=50, must_include=[c["a"].pk])


def test_overlap_pages_full_partial_and_tenancy(world, setup, client_for):
    url = reverse("scoring:campaign_overlap", args=[world.campaign_a.pk])
    viewer = client_for(world.viewer_a)
    page = viewer.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Unique reach" in html and "overlap unknown" in html and "<html" in html
    partial = viewer.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    other = reverse("scoring:campaign_overlap", args=[world.campaign_b.pk])
    assert viewer.get(other).status_code == 404
    assert client_for(world.owner_b).get(url).status_code == 404


def test_optimiser_page_and_apply(world, setup, client_for):
    c = setup
    url = reverse("scoring:campaign_optimiser", args=[world.campaign_a.pk])
    apply_url = reverse("scoring:campaign_optimiser_apply", args=[world.campaign_a.pk])
    viewer = client_for(world.viewer_a)
    page = viewer.get(url, {"budget": "500", "run": "1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Proposal" in html and "Current roster" in html
    assert "to the shortlist" not in html  # viewers read only
    assert viewer.post(apply_url, {"creator": [c["d"].pk]}).status_code == 404
    editor = client_for(world.editor_a)
    page = editor.get(url, {"budget": "500", "run": "1"})
    assert "to the shortlist" in page.content.decode()
    response = editor.post(apply_url, {"creator": [c["d"].pk]})
    assert response.status_code == 302
    assert RosterEntry.objects.filter(campaign=world.campaign_a, creator=c["d"]).exists()
    bad = editor.get(url, {"budget": "-5", "run": "1"})
    assert bad.status_code == 200 and "Proposal" not in bad.content.decode()
    # client_for logs the same test client in as another user: tenancy checks come last.
    assert client_for(world.owner_b).get(url).status_code == 404


def test_roster_add_recomputes_overlaps_on_commit(world, setup, django_capture_on_commit_callbacks):
    from campaigns.services import roster_entry_add, roster_entry_move

    with django_capture_on_commit_callbacks(execute=True):
        entry = roster_entry_add(campaign=world.campaign_a, creator=setup["d"], user=world.owner_a)
    run = ScoreRun.objects.filter(campaign=world.campaign_a, kind=ScoreRun.Kind.OVERLAPS).first()
    assert run is not None and run.status == ScoreRun.Status.SUCCEEDED
    assert setup["d"].pk in run.scope["roster_ids"]
    with django_capture_on_commit_callbacks(execute=True):
        roster_entry_move(entry=entry, stage="declined", user=world.owner_a)
    latest = ScoreRun.objects.filter(campaign=world.campaign_a, kind=ScoreRun.Kind.OVERLAPS).first()
    assert latest.pk != run.pk and setup["d"].pk not in latest.scope["roster_ids"]


def test_overlap_page_shows_unique_reach_as_a_range_when_members_lack_samples(
    world, setup, client_for
):
    """Issue 17 item 2: with c unsampled the page showed 2.5k (the sum for c) as if exact."""
    url = reverse("scoring:campaign_overlap", args=[world.campaign_a.pk])
    html = client_for(world.viewer_a).get(url).content.decode()
    assert "1.5k–2.5k" in html  # a | b = 1,500 known; c's 1,000 followers inside or outside it
    assert "1 creator without follower samples may share" in html
    RosterEntry.objects.filter(campaign=world.campaign_a, creator=setup["c"]).delete()
    html = client_for(world.viewer_a).get(url).content.decode()
    assert "1.5k–" not in html and 'data-testid="unique-reach">1.5k<' in html


def test_roster_optimise_keeps_contracted_creators_and_reports_the_boards_committed_fees(
    world, setup, client_for
):
    """Issue 17 item 3: a contracted creator was dropped for a cheaper twin (e has a's exact
    audience at a third of the fee), and "current roster cost" summed every roster member's
    fee while the board counts the committed ones."""
    from campaigns.selectors import roster_board

    c = setup
    RosterEntry.objects.filter(campaign=world.campaign_a, creator=c["a"]).update(
        stage="contracted", agreed_fee=Decimal("300")
    )
    proposal = roster_optimise(campaign=world.campaign_a, budget=Decimal("500"))
    picks = {p.creator_id: p for p in proposal.picks}
    assert picks[c["a"].pk].fixed and picks[c["a"].pk].cost == 300
    assert c["e"].pk not in picks  # a's twin adds nobody once a is kept
    assert proposal.total_cost <= 500
    board = roster_board(campaign=world.campaign_a)
    assert proposal.committed_cost == float(board["committed"]) == 300
    assert proposal.current_cost == 500  # a 300 + b and c quoted 100 each
    url = reverse("scoring:campaign_optimiser", args=[world.campaign_a.pk])
    html = client_for(world.viewer_a).get(url, {"budget": "500", "run": "1"}).content.decode()
    assert 'data-testid="committed-fees">$300<' in html
    assert ">contracted</span>" in html
    with pytest.raises(OptimiserError, match="cannot be excluded"):
        roster_optimise(campaign=world.campaign_a, budget=500, exclude=[c["a"].pk])
