"""The signed conversion postback and the conversions API (issue 21, items 3 and 5)."""

import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from campaigns import tracking
from campaigns.conversions import signing
from campaigns.models import Conversion, PostbackNonce, RosterEntry, TrackedLink
from tests import factories as f

URL = "/api/v1/conversions/"


@pytest.fixture
def entry(world):
    made = f.RosterEntryFactory(
        campaign=world.campaign_a, creator=f.CreatorFactory(handle="leafy.lena")
    )
    return RosterEntry.objects.get(pk=made.pk)


def post(client, campaign, body: dict, *, secret=None, at=None, raw=None):
    raw = raw if raw is not None else json.dumps(body).encode()
    timestamp = str(int(at if at is not None else time.time()))
    signature = signing.sign(secret or campaign.postback_secret, timestamp, raw)
    return client.generic(
        "POST",
        URL,
        raw,
        content_type="application/json",
        HTTP_X_MATCHMAKER_TIMESTAMP=timestamp,
        HTTP_X_MATCHMAKER_SIGNATURE=f"sha256={signature}",
    )


def order(campaign, **kw):
    return {
        "campaign": campaign.pk,
        "order_id": "#1001",
        "amount": "59.90",
        "currency": campaign.currency,
        **kw,
    }


def test_good_signature_accepted_once_then_replay_refused(client, world, entry):
    body = order(world.campaign_a, promo_code=entry.promo_code.lower())
    raw = json.dumps(body).encode()
    at = int(time.time())
    first = post(client, world.campaign_a, body, raw=raw, at=at)
    assert first.status_code == 201, first.content
    data = first.json()
    assert (data["entry"], data["attributed_by"], data["amount"]) == (
        entry.pk,
        "promo_code",
        "59.90",
    )
    assert data["counted"] is True
    again = post(client, world.campaign_a, body, raw=raw, at=at)  # the same signed request
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert Conversion.objects.count() == 1 and PostbackNonce.objects.count() == 1


def test_wrong_signature_and_old_or_missing_timestamp_refused(client, world, entry):
    body = order(world.campaign_a, promo_code=entry.promo_code)
    wrong = post(client, world.campaign_a, body, secret="not-the-secret")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "not_authenticated"
    old = post(client, world.campaign_a, body, at=time.time() - 301)
    assert old.status_code == 401 and "5 minutes" in old.json()["error"]["message"]
    future = post(client, world.campaign_a, body, at=time.time() + 400)
    assert future.status_code == 401
    raw = json.dumps(body).encode()
    bare = client.generic("POST", URL, raw, content_type="application/json")
    assert bare.status_code == 401
    tampered = json.dumps({**body, "amount": "999.00"}).encode()
    timestamp = str(int(time.time()))
    signature = signing.sign(world.campaign_a.postback_secret, timestamp, raw)
    changed = client.generic(
        "POST",
        URL,
        tampered,
        content_type="application/json",
        HTTP_X_MATCHMAKER_TIMESTAMP=timestamp,
        HTTP_X_MATCHMAKER_SIGNATURE=signature,
    )
    assert changed.status_code == 401
    assert Conversion.objects.count() == 0


def test_another_organisations_campaign_refused(client, world, entry):
    """Campaign B's id signed with campaign A's secret (what org A's shop holds) fails."""
    body = order(world.campaign_b, promo_code=entry.promo_code)
    response = post(client, world.campaign_b, body, secret=world.campaign_a.postback_secret)
    assert response.status_code == 401
    unknown = post(client, world.campaign_a, {**body, "campaign": 999_999})
    assert unknown.status_code == 401
    assert Conversion.objects.count() == 0


def test_idempotent_by_order_id_and_refund_reverses(client, world, entry):
    campaign = world.campaign_a
    body = order(campaign, promo_code=entry.promo_code)
    # One clock reading for every request: each is signed a whole second apart, so no two share
    # a signature (time.time() read per request could give two the same second: a replay).
    now = time.time()
    assert post(client, campaign, body, at=now).status_code == 201
    resent = post(client, campaign, body, at=now - 1)  # re-signed: not a replay
    assert resent.status_code == 200
    updated = post(client, campaign, {**body, "amount": "64.90"}, at=now - 2)
    assert updated.status_code == 200 and updated.json()["amount"] == "64.90"
    partial = post(client, campaign, {**body, "amount": "-14.90"}, at=now - 3)
    assert partial.status_code == 200
    assert partial.json()["status"] == "partially_refunded"
    assert partial.json()["refunded_amount"] == "14.90" and partial.json()["counted"] is True
    twice = post(client, campaign, {**body, "amount": "-14.90"}, at=now - 4)
    assert twice.json()["refunded_amount"] == "14.90"  # a refund sent twice reverses once
    full = post(client, campaign, {**body, "amount": "64.90", "status": "refunded"}, at=now - 5)
    assert full.json()["status"] == "refunded" and full.json()["counted"] is False
    conversion = Conversion.objects.get()
    assert (conversion.amount, conversion.refunded_amount) == (Decimal("64.90"), Decimal("64.90"))
    late = post(client, campaign, body, at=now - 6)  # the original order re-sent late
    assert late.json()["status"] == "refunded"
    assert Conversion.objects.count() == 1


def test_click_id_attributes_within_the_window(client, world, entry):
    link = TrackedLink.objects.get(entry=entry)
    clicked = datetime.now(UTC) - timedelta(days=3)
    body = order(world.campaign_a, click_id=tracking.new_click_id(link.code, clicked))
    response = post(client, world.campaign_a, body)
    assert response.status_code == 201
    assert (response.json()["entry"], response.json()["attributed_by"]) == (entry.pk, "click")
    stale = tracking.new_click_id(link.code, datetime.now(UTC) - timedelta(days=31))
    late = post(client, world.campaign_a, order(world.campaign_a, order_id="#2", click_id=stale))
    assert late.status_code == 201
    assert (late.json()["entry"], late.json()["attributed_by"]) == (None, "")


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"amount": "lots"}, 422, "amount"),
        ({"currency": "EUR"}, 422, "currency"),
        ({"order_id": ""}, 422, "order_id"),
        ({"promo_code": ""}, 422, ""),
        ({"campaign": "one"}, 400, ""),
    ],
)
def test_bad_body_refused(client, world, entry, change, status, field):
    body = {**order(world.campaign_a, promo_code=entry.promo_code), **change}
    response = post(client, world.campaign_a, body)
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["error"]["fields"]
    assert Conversion.objects.count() == 0


def test_not_json_is_400(client, world):
    response = post(client, world.campaign_a, {}, raw=b"{not json")
    assert response.status_code == 400


def test_list_and_detail_scoped_to_the_organisation(client, world, entry, api_for):
    post(client, world.campaign_a, order(world.campaign_a, promo_code=entry.promo_code))
    theirs = f.RosterEntryFactory(campaign=world.campaign_b, creator=f.CreatorFactory())
    theirs = RosterEntry.objects.get(pk=theirs.pk)
    post(client, world.campaign_b, order(world.campaign_b, promo_code=theirs.promo_code))
    assert Conversion.objects.count() == 2
    mine = Conversion.objects.get(campaign=world.campaign_a)
    other = Conversion.objects.get(campaign=world.campaign_b)
    viewer = api_for(world.viewer_a)
    listed = viewer.get(URL).json()
    assert [c["id"] for c in listed["results"]] == [mine.pk]
    assert viewer.get(f"{URL}{mine.pk}/").status_code == 200
    assert viewer.get(f"{URL}{other.pk}/").status_code == 404
    assert (
        api_for(world.owner_b).get(f"{URL}?campaign={world.campaign_a.pk}").json()["results"] == []
    )
    assert client.get(URL).status_code in (401, 403)  # anonymous


def test_secret_read_and_rotated_by_managers_only(client, world, entry, api_for):
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/postback-secret/"
    old = world.campaign_a.postback_secret
    assert len(old) == 64 and old != world.campaign_b.postback_secret
    assert api_for(world.viewer_a).get(url).status_code == 403
    assert api_for(world.owner_b).get(url).status_code == 404
    editor = api_for(world.editor_a)
    assert editor.get(url).json()["postback_secret"] == old
    rotated = editor.post(url)
    assert rotated.status_code == 200
    new = rotated.json()["postback_secret"]
    assert new != old and rotated.json()["postback_secret_rotated_at"]
    body = order(world.campaign_a, promo_code=entry.promo_code)
    assert post(client, world.campaign_a, body, secret=old).status_code == 401
    assert post(client, world.campaign_a, body, secret=new).status_code == 201


def test_attribution_window_set_per_campaign(world, api_for):
    url = f"/api/v1/campaigns/{world.campaign_a.pk}/"
    editor = api_for(world.editor_a)
    assert editor.get(url).json()["attribution_window_days"] == 30
    assert editor.patch(url, {"attribution_window_days": 400}, format="json").status_code == 400
    changed = editor.patch(url, {"attribution_window_days": 7}, format="json")
    assert changed.status_code == 200 and changed.json()["attribution_window_days"] == 7
    assert "postback_secret" not in changed.json()  # the secret has its own managers' endpoint
