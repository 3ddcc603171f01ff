"""Endpoints: happy paths, validation errors, role permissions, tenancy (404), pagination."""

import pytest

from campaigns.models import Campaign, RosterEntry, StageChange
from tests import factories as f

pytestmark = pytest.mark.django_db


# --- creators -------------------------------------------------------------------------------
def test_creator_list_filters_orders_and_paginates(world, scored, api_for):
    client = api_for(world.viewer_a)
    body = client.get("/api/v1/creators/", {"sort": "followers", "page_size": 2}).json()
    assert body["count"] == 3 and body["pages"] == 2
    assert [r["followers"] for r in body["results"]] == [90_000, 45_000]
    assert body["next"] and body["previous"] is None
    page2 = client.get("/api/v1/creators/", {"sort": "followers", "page_size": 2, "page": 2})
    assert [r["followers"] for r in page2.json()["results"]] == [20_000]
    # min_er in percent, as on the page: 2 = 2%.
    body = client.get("/api/v1/creators/", {"min_er": 2}).json()
    assert {r["handle"] for r in body["results"]} == {"api_creator0", "api_creator1"}
    # Campaign scores only for the user's own campaigns.
    body = client.get("/api/v1/creators/", {"campaign": world.campaign_a.pk}).json()
    assert body["results"][0]["score"] == pytest.approx(0.9)


def test_creator_list_validation_errors_name_the_field(world, scored, api_for):
    client = api_for(world.viewer_a)
    response = client.get("/api/v1/creators/", {"min_followers": 5000, "max_followers": 10})
    assert response.status_code == 400
    assert "max_followers" in response.json()["error"]["fields"]
    foreign = client.get("/api/v1/creators/", {"campaign": world.campaign_b.pk})
    assert foreign.status_code == 400
    assert "campaign" in foreign.json()["error"]["fields"]
    assert client.get("/api/v1/creators/", {"page": 99}).status_code == 404


def test_creator_detail_has_metrics_reasons_posts(world, scored, api_for):
    body = api_for(world.outsider).get(f"/api/v1/creators/{scored[0].pk}/").json()
    assert body["metrics"]["er_median"] == pytest.approx(0.05)
    assert body["authenticity_reasons"][0]["sentence"] == "Comments look organic."
    assert len(body["posts"]) == 1
    missing = api_for(world.outsider).get("/api/v1/creators/999999/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_anonymous_is_401(client, world):
    response = client.get("/api/v1/creators/")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "fields"}


# --- campaigns ------------------------------------------------------------------------------
def test_campaign_list_is_scoped_to_the_organisation(world, api_for):
    body = api_for(world.viewer_a).get("/api/v1/campaigns/").json()
    assert [c["name"] for c in body["results"]] == ["Spring glow"]
    assert body["count"] == 1


def test_brand_filter_does_not_tell_whether_a_foreign_brand_exists(world, api_for):
    """?brand= with another organisation's brand answers exactly as with an id that does not
    exist (nothing of yours matches either); the user's own brand filters."""
    client = api_for(world.owner_a)
    foreign = client.get("/api/v1/campaigns/", {"brand": world.brand_b.pk})
    missing = client.get("/api/v1/campaigns/", {"brand": 987654321})
    assert foreign.status_code == missing.status_code == 200
    assert foreign.json() == missing.json()
    assert foreign.json()["count"] == 0
    own = client.get("/api/v1/campaigns/", {"brand": world.brand_a.pk}).json()
    assert [c["id"] for c in own["results"]] == [world.campaign_a.pk]
    for bad in ("x", "1.5"):
        response = client.get("/api/v1/campaigns/", {"brand": bad})
        assert response.status_code == 400 and "brand" in response.json()["error"]["fields"]


def test_editor_creates_and_updates_a_campaign_through_the_service(world, api_for):
    world.brand_a.target_countries = ["DE"]
    world.brand_a.save()
    client = api_for(world.editor_a)
    response = client.post(
        "/api/v1/campaigns/",
        {"brand": world.brand_a.pk, "name": "Autumn", "min_followers": 5000},
        format="json",
    )
    assert response.status_code == 201, response.json()
    campaign = Campaign.objects.get(pk=response.json()["id"])
    assert campaign.target_countries == ["DE"]  # brand default copied by campaign_create
    assert campaign.created_by == world.editor_a
    response = client.patch(
        f"/api/v1/campaigns/{campaign.pk}/", {"max_followers": 50_000}, format="json"
    )
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.max_followers == 50_000


def test_campaign_validation_errors(world, api_for):
    client = api_for(world.editor_a)
    response = client.post("/api/v1/campaigns/", {"name": "No brand"}, format="json")
    assert response.status_code == 400
    assert "brand" in response.json()["error"]["fields"]
    response = client.patch(
        f"/api/v1/campaigns/{world.campaign_a.pk}/",
        {"min_followers": 90_000, "max_followers": 10_000},
        format="json",
    )
    assert response.status_code == 400
    assert "reversed" in response.json()["error"]["message"]


def test_viewer_cannot_write_and_other_organisation_gets_404(world, api_for):
    viewer = api_for(world.viewer_a)
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/"
    assert viewer.patch(url, {"name": "x"}, format="json").status_code == 403
    assert viewer.delete(url).status_code == 403
    created = viewer.post(
        "/api/v1/campaigns/", {"brand": world.brand_a.pk, "name": "x"}, format="json"
    )
    assert created.status_code == 400  # brand is not among the brands the viewer may edit
    other = api_for(world.owner_b)
    for method in ("get", "patch", "delete"):
        response = getattr(other, method)(url, {"name": "x"}, format="json")
        assert response.status_code == 404, method
    assert other.get(f"/api/v1/campaigns/{world.campaign_a.pk}/matches/").status_code == 404
    assert other.get(f"/api/v1/campaigns/{world.campaign_a.pk}/roster/").status_code == 404
    assert Campaign.objects.filter(pk=world.campaign_a.pk, name="Spring glow").exists()


def test_owner_deletes_a_campaign(world, api_for):
    response = api_for(world.owner_a).delete(f"/api/v1/campaigns/{world.campaign_a.pk}/")
    assert response.status_code == 204
    assert not Campaign.objects.filter(pk=world.campaign_a.pk).exists()


# --- matches --------------------------------------------------------------------------------
def test_matches_are_ranked_with_components(world, scored, api_for):
    client = api_for(world.viewer_a)
    body = client.get(f"/api/v1/campaigns/{world.campaign_a.pk}/matches/").json()
    assert [m["rank"] for m in body["results"]] == [1, 2, 3]
    assert body["results"][0]["audience_fit"] == pytest.approx(0.8)
    body = client.get(f"/api/v1/campaigns/{world.campaign_a.pk}/matches/", {"min_total": 60}).json()
    assert body["count"] == 2
    bad = client.get(f"/api/v1/campaigns/{world.campaign_a.pk}/matches/", {"min_total": 500})
    assert bad.status_code == 400 and "min_total" in bad.json()["error"]["fields"]


def test_match_detail_explains_every_component(world, scored, api_for):
    from scoring.models import MatchScore
    from scoring.services.matches import recompute_campaign_matches

    recompute_campaign_matches(campaign_id=world.campaign_a.pk)
    match = MatchScore.objects.filter(campaign=world.campaign_a).order_by("rank").first()
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/matches/{match.creator_id}/"
    body = api_for(world.viewer_a).get(url).json()
    assert body["rank"] == match.rank and body["creator"] == match.creator_id
    expected = match.breakdown()
    assert set(body["components"]) == set(expected)
    for name, detail in body["components"].items():
        assert detail["value"] == pytest.approx(expected[name]["value"])
        assert detail["weight"] == pytest.approx(expected[name]["weight"])
        assert detail["estimated"] == expected[name]["estimated"]
        assert detail["definition"]
    contributions = sum(d["contribution"] for d in body["components"].values())
    # Issue 17: the weighted mean times the relevance gates.
    gates = body["audience_gate"] * body["niche_gate"]
    assert (body["audience_gate"], body["niche_gate"]) == (match.audience_gate, match.niche_gate)
    assert contributions * gates == pytest.approx(body["total"], abs=1e-6)
    assert api_for(world.owner_b).get(url).status_code == 404
    unknown = f"/api/v1/campaigns/{world.campaign_a.pk}/matches/{10**9}/"
    assert api_for(world.viewer_a).get(unknown).status_code == 404


# --- roster ---------------------------------------------------------------------------------
def test_roster_add_update_move_records_stage_changes(world, scored, api_for):
    client = api_for(world.editor_a)
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/roster/"
    response = client.post(url, {"creator": scored[0].pk}, format="json")
    assert response.status_code == 201
    entry_id = response.json()["id"]
    assert client.post(url, {"creator": scored[0].pk}, format="json").status_code == 200
    assert RosterEntry.objects.filter(campaign=world.campaign_a).count() == 1
    response = client.patch(f"/api/v1/roster/{entry_id}/", {"agreed_fee": "1500.00"}, "json")
    assert response.status_code == 200 and response.json()["agreed_fee"] == "1500.00"
    response = client.post(f"/api/v1/roster/{entry_id}/move/", {"stage": "contacted"}, "json")
    assert response.status_code == 200 and response.json()["stage"] == "contacted"
    changes = StageChange.objects.filter(entry_id=entry_id).order_by("changed_at", "id")
    assert [(c.from_stage, c.to_stage) for c in changes] == [
        ("", "shortlisted"),
        ("shortlisted", "contacted"),
    ]
    assert changes.last().changed_by == world.editor_a
    listing = client.get(url, {"stage": "contacted"}).json()
    assert listing["count"] == 1


def test_roster_entry_delete_goes_through_the_service(
    world, scored, api_for, django_capture_on_commit_callbacks
):
    from scoring.models import ScoreRun

    entry = f.RosterEntryFactory(campaign=world.campaign_a, creator=scored[0])
    kept = f.RosterEntryFactory(campaign=world.campaign_a, creator=scored[1])
    f.DeliverableFactory(entry=entry)  # planned, no results yet: removed with the entry
    url = f"/api/v1/roster/{entry.pk}/"
    assert api_for(world.viewer_a).delete(url).status_code == 403
    assert api_for(world.owner_b).delete(url).status_code == 404
    assert RosterEntry.objects.filter(pk=entry.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(world.editor_a).delete(url)
    assert response.status_code == 204 and not response.content
    assert not RosterEntry.objects.filter(pk=entry.pk).exists()
    assert not StageChange.objects.filter(entry_id=entry.pk).exists()
    # The roster's overlap is recomputed without the removed creator.
    run = ScoreRun.objects.filter(campaign=world.campaign_a, kind=ScoreRun.Kind.OVERLAPS).first()
    assert run is not None and run.scope["roster_ids"] == [kept.creator_id]
    assert api_for(world.editor_a).delete(url).status_code == 404
    owner = api_for(world.owner_a)
    assert owner.delete(f"/api/v1/roster/{kept.pk}/").status_code == 204


def test_roster_entry_with_results_is_not_deleted(world, scored, api_for):
    entry = f.RosterEntryFactory(campaign=world.campaign_a, creator=scored[0])
    f.OutcomeFactory(deliverable=f.DeliverableFactory(entry=entry), reach=1200)
    response = api_for(world.owner_a).delete(f"/api/v1/roster/{entry.pk}/")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and "declined" in error["message"]
    assert RosterEntry.objects.filter(pk=entry.pk).exists()
    assert entry.deliverables.get().outcomes.count() == 1


def test_roster_validation_and_permissions(world, scored, api_for):
    entry = f.RosterEntryFactory(campaign=world.campaign_a, creator=scored[1])
    editor = api_for(world.editor_a)
    bad = editor.post(f"/api/v1/roster/{entry.pk}/move/", {"stage": "famous"}, format="json")
    assert bad.status_code == 400 and "stage" in bad.json()["error"]["fields"]
    bad = editor.patch(f"/api/v1/roster/{entry.pk}/", {"agreed_fee": "-5"}, format="json")
    assert bad.status_code == 400 and "agreed_fee" in bad.json()["error"]["fields"]
    viewer = api_for(world.viewer_a)
    assert viewer.get(f"/api/v1/roster/{entry.pk}/").status_code == 200
    move = viewer.post(f"/api/v1/roster/{entry.pk}/move/", {"stage": "contacted"}, "json")
    assert move.status_code == 403
    add = viewer.post(
        f"/api/v1/campaigns/{world.campaign_a.pk}/roster/", {"creator": scored[0].pk}, "json"
    )
    assert add.status_code == 403
    other = api_for(world.owner_b)
    assert other.get(f"/api/v1/roster/{entry.pk}/").status_code == 404
    move = other.post(f"/api/v1/roster/{entry.pk}/move/", {"stage": "contacted"}, "json")
    assert move.status_code == 404
    entry.refresh_from_db()
    assert entry.stage == "shortlisted"
