"""Inputs the API used to answer wrongly: a non-integer id got Django's HTML 404, bad numbers in
query parameters were ignored with a 200, and the schema offered form bodies only JSON serves."""

import io
import json
from functools import cache

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@cache
def _schema() -> dict:
    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    return json.loads(out.getvalue())


BAD_IDS = ["abc", "1.5", "null%2Cnull", "-1", "%F0%9F%98%80", "1%0A"]


def test_a_non_integer_id_on_every_id_route_answers_the_json_404(world, api_for):
    client = api_for(world.owner_a)
    paths = [p for p in _schema()["paths"] if "{" in p]
    assert len(paths) >= 15
    wrong = []
    for bad_id in BAD_IDS:
        for path in paths:
            url = path.replace("{id}", bad_id).replace("{creator_id}", bad_id)
            response = client.get(url)
            if response.status_code == 405:  # a write-only route: refused before any lookup
                continue
            if response.status_code != 404 or response["Content-Type"] != "application/json":
                wrong.append(f"{url}: {response.status_code} {response['Content-Type']}")
            elif response.json()["error"]["code"] != "not_found":
                wrong.append(f"{url}: {response.json()}")
    assert not wrong, "\n".join(wrong)


def test_unknown_api_urls_need_authentication_and_hint_the_slash(world, api_for):
    assert APIClient().get("/api/v1/campaigns/abc/").status_code == 401
    client = api_for(world.owner_a)
    body = client.get("/api/v1/no-such-thing/").json()
    assert body["error"]["code"] == "not_found"
    hint = client.get(f"/api/v1/campaigns/{world.campaign_a.pk}").json()["error"]["message"]
    assert f"/api/v1/campaigns/{world.campaign_a.pk}/" in hint


BAD_QUERIES = [
    ("campaigns/{c}/matches/", "min_total=abc", "min_total"),
    ("campaigns/{c}/matches/", "min_total=", "min_total"),
    ("campaigns/{c}/matches/", "min_total=1e999", "min_total"),
    ("campaigns/{c}/matches/", "hide_excluded=", "hide_excluded"),
    ("campaigns/{c}/matches/", "page_size=-1.2e-07", "page_size"),
    ("campaigns/{c}/matches/", "page_size=0", "page_size"),
    ("campaigns/{c}/matches/", "page_size=201", "page_size"),
    ("campaigns/{c}/matches/", "page=abc", "page"),
    ("campaigns/{c}/matches/", "page=0", "page"),
    ("campaigns/{c}/matches/", "page=last", "page"),
    ("campaigns/{c}/matches/", "page=1&page=2", "page"),
    ("creators/", "min_followers=", "min_followers"),
    ("creators/", "min_followers=abc", "min_followers"),
    ("creators/", "min_er=NaN", "min_er"),
    ("creators/", "min_er=1&min_er=2", "min_er"),
    ("creators/", "page_size=", "page_size"),
    ("campaigns/", "status=", "status"),
    ("campaigns/", "status=draft&status=active", "status"),
    ("campaigns/", "brand=1.5", "brand"),
    ("campaigns/{c}/roster/", "stage=", "stage"),
    ("campaigns/{c}/optimiser/", "budget=", "budget"),
    ("campaigns/{c}/optimiser/", "budget=-1", "budget"),
    ("campaigns/{c}/optimiser/", "must_include=x", "must_include"),
]


def test_bad_query_parameters_are_a_400_naming_the_parameter(world, scored, api_for):
    client = api_for(world.owner_a)
    wrong = []
    for path, params, name in BAD_QUERIES:
        url = "/api/v1/" + path.format(c=world.campaign_a.pk) + "?" + params
        response = client.get(url)
        if response.status_code != 400 or name not in response.json()["error"]["fields"]:
            wrong.append(f"{url}: {response.status_code} {response.content[:200]!r}")
    assert not wrong, "\n".join(wrong)


def test_good_query_parameters_still_filter_and_page(world, scored, api_for):
    client = api_for(world.owner_a)
    body = client.get(
        f"/api/v1/campaigns/{world.campaign_a.pk}/matches/",
        {"min_total": "60", "page_size": "1", "page": "2"},
    ).json()
    assert body["count"] == 2 and body["pages"] == 2 and len(body["results"]) == 1
    assert client.get("/api/v1/creators/", {"min_followers": "1000"}).status_code == 200
    beyond = client.get("/api/v1/campaigns/", {"page": "99"})
    assert beyond.status_code == 404  # a page past the last: not found, as before


def test_json_endpoints_refuse_form_bodies_and_the_schema_says_so(world, api_for):
    client = api_for(world.owner_a)
    form = client.patch(
        f"/api/v1/campaigns/{world.campaign_a.pk}/", {"name": "x"}, format="multipart"
    )
    assert form.status_code == 415
    assert form.json()["error"]["code"] == "unsupported_media_type"
    for path, item in _schema()["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody")
            if body is None:
                continue
            types = set(body["content"])
            expected = (
                {"multipart/form-data"} if path == "/api/v1/imports/" else {"application/json"}
            )
            assert types == expected, (method, path, types)


def test_json_body_values_must_have_the_documented_types(world, scored, api_for):
    """DRF coerced "5" to 5, 0 to "0" and 12.5 to a decimal; the schema documents JSON types."""
    client = api_for(world.owner_a)
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/"
    for body, field in [
        ({"name": 0}, "name"),
        ({"min_followers": "5000"}, "min_followers"),
        ({"min_followers": True}, "min_followers"),
        ({"budget": 1500}, "budget"),
        ({"budget": "-5.00"}, "budget"),
        ({"budget": " 5"}, "budget"),
        ({"platforms": "instagram"}, "platforms"),
        ({"platforms": ["instagram", 3]}, "platforms"),
        ({"niches": ["1"]}, "niches"),
    ]:
        response = client.patch(url, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["error"]["fields"], (body, response.json())
    assert client.patch(url, {"budget": "1500.50"}, format="json").json()["budget"] == "1500.50"
    entry = client.post(f"{url}roster/", {"creator": scored[0].pk}, format="json").json()
    for fee in (1500, "", "12.345"):
        response = client.patch(
            f"/api/v1/roster/{entry['id']}/", {"agreed_fee": fee}, format="json"
        )
        assert response.status_code == 400, fee
        assert "agreed_fee" in response.json()["error"]["fields"]
    move = client.post(f"/api/v1/roster/{entry['id']}/move/", {"stage": 1}, format="json")
    assert move.status_code == 400 and "stage" in move.json()["error"]["fields"]


def test_campaign_updates_take_no_brand(world, api_for):
    """The brand of a campaign does not change: the update's schema has no brand field."""
    client = api_for(world.owner_a)
    response = client.patch(
        f"/api/v1/campaigns/{world.campaign_a.pk}/", {"brand": world.brand_b.pk}, format="json"
    )
    assert response.status_code == 200 and response.json()["brand"] == world.brand_a.pk
    components = _schema()["components"]["schemas"]
    assert "brand" not in components["CampaignUpdateRequest"]["properties"]
    assert "brand" in components["CampaignRequest"]["properties"]


def test_weights_above_the_bound_are_refused(world, api_for):
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/weights/"
    client = api_for(world.owner_a)
    response = client.put(url, {"weights": {"engagement": 1001}}, format="json")
    assert response.status_code == 400 and "at most 1000" in str(response.json())
    assert client.put(url, {"weights": {"engagement": 1000}}, format="json").status_code == 200


def test_the_schema_states_the_rules_the_server_enforces():
    schema = _schema()
    components = schema["components"]["schemas"]
    weights = components["WeightsRequest"]["properties"]["weights"]
    assert weights["additionalProperties"] is False
    assert weights["properties"]["engagement"] == {"type": "number", "minimum": 0, "maximum": 1000}
    assert len(weights["anyOf"]) == 8  # at least one weight above zero (one per component)
    assert all(b["properties"][b["required"][0]]["exclusiveMinimum"] for b in weights["anyOf"])
    for name in ("OutcomeRequest", "BulkReadingRequest"):
        assert {b["required"][0] for b in components[name]["anyOf"]} >= {"reach", "revenue"}
    reading = components["BulkReadingRequest"]["properties"]
    assert reading["reach"]["minimum"] == 0
    assert reading["revenue"]["pattern"] == "^[0-9]{1,12}(\\.[0-9]{1,2})?$"
    campaign = components["CampaignRequest"]["properties"]
    assert not campaign["budget"]["pattern"].startswith("^-")
    assert campaign["min_followers"]["minimum"] == 0
    assert "min_followers" in campaign["max_followers"]["description"]
    assert campaign["name"]["pattern"].startswith("^\\s*[^\\s\\u0000]")  # not blank, no NUL
    readings = components["BulkOutcomesRequest"]["properties"]["readings"]
    assert (readings["minItems"], readings["maxItems"]) == (1, 1000)
    matches = schema["paths"]["/api/v1/campaigns/{id}/matches/"]["get"]
    parameters = {p["name"]: p["schema"] for p in matches["parameters"]}
    assert parameters["page"]["minimum"] == 1
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 200)
    assert parameters["country"]["pattern"]  # no NUL in text parameters
    assert "text/html" in matches["responses"]["414"]["content"]


def test_a_patch_on_a_roster_entry_deleted_during_the_request_is_the_json_404(world, api_for):
    """The fuzz run's 500: PATCH /roster/{id}/ while a DELETE removes the entry."""
    from unittest import mock

    from campaigns import services
    from campaigns.models import RosterEntry
    from tests import factories as f

    entry = services.roster_entry_add(
        campaign=world.campaign_a, creator=f.CreatorFactory(), user=world.editor_a
    )
    real_update = services.roster_entry_update

    def delete_first(**kwargs):
        RosterEntry.objects.filter(pk=kwargs["entry"].pk).delete()  # the concurrent DELETE
        return real_update(**kwargs)

    with mock.patch.object(services, "roster_entry_update", delete_first):
        response = api_for(world.editor_a).patch(
            f"/api/v1/roster/{entry.pk}/", {"notes": "late"}, format="json"
        )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
