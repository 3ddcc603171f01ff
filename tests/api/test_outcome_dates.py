"""Result readings and deliverable dates are range-checked wherever they come in (issue 14 item
3): a reading dated 9999-12-31 would stay the deliverable's "latest" for good. The API (one
reading, bulk) and the services behind the results page refuse dates outside the window;
a due date is a plan and may lie years ahead, within reason."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import Deliverable, Outcome
from campaigns.outcomes.services import deliverable_create, outcome_record
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliverable(world):
    entry = f.RosterEntryFactory(campaign=world.campaign_a, stage="content_live")
    return f.DeliverableFactory(entry=entry)


@pytest.mark.parametrize("when", ["9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z"])
def test_api_refuses_a_reading_dated_out_of_range(world, deliverable, api_for, when):
    client = api_for(world.editor_a)
    url = f"/api/v1/deliverables/{deliverable.pk}/outcomes/"
    response = client.post(url, {"likes": 5, "recorded_at": when}, format="json")
    assert response.status_code == 400, response.content
    message = response.json()["error"]["message"]
    assert message.startswith(f"recorded_at: {when[:10]} is not a plausible date: outside 2004")
    bulk = client.post(
        "/api/v1/outcomes/bulk/",
        {"readings": [{"deliverable": deliverable.pk, "likes": 5, "recorded_at": when}]},
        format="json",
    )
    assert bulk.status_code == 400
    assert "reading 1: recorded_at" in bulk.json()["error"]["message"]
    assert not Outcome.objects.exists()
    ok = client.post(url, {"likes": 5, "recorded_at": "2025-06-01T10:00:00Z"}, format="json")
    assert ok.status_code == 201, ok.content


def test_api_refuses_deliverable_dates_out_of_range(world, deliverable, api_for):
    client = api_for(world.editor_a)
    url = f"/api/v1/deliverables/{deliverable.pk}/"
    posted = client.patch(url, {"posted_at": "0001-01-01T00:00:00Z"}, format="json")
    assert posted.status_code == 400 and "posted_at" in posted.json()["error"]["message"]
    due = client.patch(url, {"due_on": "9999-12-31"}, format="json")
    assert due.status_code == 400 and "due_on" in due.json()["error"]["message"]
    deliverable.refresh_from_db()
    assert deliverable.posted_at is None and deliverable.due_on is None
    next_year = (date.today() + timedelta(days=365)).isoformat()
    assert client.patch(url, {"due_on": next_year}, format="json").status_code == 200
    created = client.post(
        f"/api/v1/roster/{deliverable.entry_id}/deliverables/",
        {"format": "reel", "posted_at": "9999-12-31T00:00:00Z"},
        format="json",
    )
    assert created.status_code == 400
    assert Deliverable.objects.count() == 1


def test_services_behind_the_results_page_check_dates_too(world, deliverable):
    with pytest.raises(ValidationError, match="recorded_at: 9999-12-31 is not a plausible date"):
        outcome_record(
            deliverable=deliverable,
            user=world.editor_a,
            values={"likes": 1},
            recorded_at=datetime(9999, 12, 31, tzinfo=UTC),
        )
    with pytest.raises(ValidationError, match="due_on: 9999-12-31"):
        deliverable_create(entry=deliverable.entry, user=world.editor_a, due_on=date(9999, 12, 31))
    assert not Outcome.objects.exists()
