"""The campaign page's run status (one function decides it) and its sortable matches table."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.run_state import match_run_state
from scoring.models import COMPONENTS, ScoreRun
from tests.campaigns.test_views_campaigns import make_matches

pytestmark = pytest.mark.django_db


def run(campaign, status, *, done=0, total=None, finished=None):
    return ScoreRun.objects.create(
        kind=ScoreRun.Kind.CAMPAIGN_MATCHES,
        campaign=campaign,
        status=status,
        items_done=done,
        items_total=total,
        finished_at=finished,
    )


def test_a_finished_run_never_reads_as_computing(world):
    done = run(world.campaign_a, "succeeded", done=1290, total=1290, finished=timezone.now())
    state = match_run_state(done, done)
    assert state.state == "current" and not state.polling
    assert state.headline.startswith("Matches computed ") and "1290" not in state.headline


def test_all_scored_but_not_saved_is_finishing_not_computing_n_of_n(world):
    previous = run(world.campaign_a, "succeeded", finished=timezone.now() - timedelta(days=1))
    busy = run(world.campaign_a, "running", done=1290, total=1290)
    state = match_run_state(busy, previous)
    assert state.state == "finishing" and state.polling
    assert state.headline == "All 1,290 creators scored: saving the new ranking…"
    assert state.detail.startswith("The table shows the ranking computed ")


def test_progress_failure_queue_and_never(world):
    busy = run(world.campaign_a, "running", done=40, total=1290)
    assert match_run_state(busy, None).headline == "Computing matches: 40 of 1,290 creators scored…"
    failed = run(world.campaign_a, "failed")
    failed.error = "Worker lost."
    assert match_run_state(failed, None).state == "failed"
    assert "Worker lost." in match_run_state(failed, None).detail
    asked = timezone.now()
    assert match_run_state(failed, None, queued_at=asked).state == "queued"
    assert match_run_state(None, None).headline == "Last computed: never."


def test_recompute_says_queued_then_computed_never_n_of_n_beside_a_time(
    client_for, world, django_capture_on_commit_callbacks
):
    # The bug: a finished run (1290 of 1290) plus a fresh "queued" flag read "Computing
    # matches · 1290 of 1290…" next to its "Last computed" time.
    make_matches(world.campaign_a, 3)
    run(world.campaign_a, "succeeded", done=1290, total=1290, finished=timezone.now())
    client = client_for(world.editor_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("campaigns:recompute", args=[world.campaign_a.pk]), HTTP_HX_REQUEST="true"
        )
    body = response.content.decode()
    assert 'data-state="queued"' in body and "Recompute queued: waiting for a worker." in body
    assert "1290" not in body and "1,290" not in body
    # The in-process task has run since: the poll says computed, and reloads the table.
    status = client.get(
        reverse("campaigns:run_status", args=[world.campaign_a.pk]), {"was_running": "1"}
    )
    text = status.content.decode()
    assert 'data-state="current"' in text and "Matches computed " in text
    assert "Computing" not in text and status["HX-Refresh"] == "true"
    assert ">Recompute</button>" in text


def test_matches_sort_by_a_column_with_aria_sort(client_for, world):
    make_matches(world.campaign_a, 5)
    # Give the worst-ranked creator the best audience fit.
    world.campaign_a.match_scores.filter(rank=5).update(audience_fit=0.99)
    url = reverse("campaigns:detail", args=[world.campaign_a.pk])
    client = client_for(world.viewer_a)
    default = client.get(url)
    assert [m.rank for m in default.context["page"]] == [1, 2, 3, 4, 5]
    assert 'aria-sort="descending"><a class="sort-link" href="?sort=total"' in (
        default.content.decode()
    )
    by_fit = client.get(url, {"sort": "-audience_fit"})
    assert by_fit.context["page"][0].rank == 5
    body = by_fit.content.decode()
    assert 'aria-sort="descending"><a class="sort-link" href="?sort=audience_fit"' in body
    assert body.count("aria-sort=") == 1
    ascending = client.get(url, {"sort": "followers"})
    followers = [m.creator.followers for m in ascending.context["page"]]
    assert followers == sorted(followers)
    assert 'aria-sort="ascending"' in ascending.content.decode()
    # An unknown column is the ranking, never an error.
    assert client.get(url, {"sort": "-creator__bio"}).status_code == 200
    assert len(COMPONENTS) + 2 == ascending.content.decode().count('class="sort-link"')
