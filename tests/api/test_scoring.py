"""Weights and recompute endpoints: through scoring's service and task, roles, tenancy."""

import pytest

from scoring.models import COMPONENTS, MatchScore, ScoreRun

pytestmark = pytest.mark.django_db


def test_editor_sets_weights_through_the_service(world, api_for):
    client = api_for(world.editor_a)
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/weights/"
    weights = dict.fromkeys(COMPONENTS, 1)
    response = client.put(url, {"weights": weights}, format="json")
    assert response.status_code == 200, response.content
    world.campaign_a.refresh_from_db()
    assert set(world.campaign_a.weights) == set(COMPONENTS)
    bad = client.put(url, {"weights": {"charisma": 1}}, format="json")
    assert bad.status_code == 400
    assert "charisma" in bad.json()["error"]["fields"]["weights"][0]


def test_weights_roles_and_tenancy(world, api_for):
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/weights/"
    body = {"weights": dict.fromkeys(COMPONENTS, 1)}
    assert api_for(world.viewer_a).put(url, body, format="json").status_code == 403
    assert api_for(world.owner_b).put(url, body, format="json").status_code == 404


def test_recompute_runs_the_task_and_the_run_can_be_polled(world, scored, api_for):
    client = api_for(world.editor_a)
    # Without a broker the task runs in-process at once (CELERY_TASK_ALWAYS_EAGER).
    response = client.post(f"/api/v1/campaigns/{world.campaign_a.pk}/recompute/")
    assert response.status_code == 202, response.content
    body = client.get(response.json()["runs_url"]).json()
    run = ScoreRun.objects.filter(campaign=world.campaign_a).latest("created_at")
    assert body["latest"]["id"] == run.pk
    assert body["latest"]["status"] == run.status
    assert MatchScore.objects.filter(campaign=world.campaign_a).exists()


def test_recompute_roles_and_tenancy(world, api_for):
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/recompute/"
    assert api_for(world.viewer_a).post(url).status_code == 403
    assert api_for(world.owner_b).post(url).status_code == 404
    runs = f"/api/v1/campaigns/{world.campaign_a.pk}/runs/"
    assert api_for(world.owner_b).get(runs).status_code == 404
    assert api_for(world.viewer_a).get(runs).json() == {"latest": None, "last_completed": None}
