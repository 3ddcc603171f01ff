"""Roster board: columns by stage, moves with history, fees and the budget committed, permissions."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import services
from campaigns.models import StageChange
from tests import factories as f


def add(world, *, fee=None, stage="shortlisted"):
    entry = services.roster_entry_add(
        campaign=world.campaign_a, creator=f.CreatorFactory(), user=world.editor_a
    )
    if fee is not None:
        services.roster_entry_update(entry=entry, user=world.editor_a, agreed_fee=fee)
    if stage != "shortlisted":
        services.roster_entry_move(entry=entry, stage=stage, user=world.editor_a)
    return entry


def test_board_permissions(client, client_for, world):
    url = reverse("campaigns:roster", args=[world.campaign_a.pk])
    assert client.get(url).status_code == 302
    assert client_for(world.owner_b).get(url).status_code == 404
    add(world)
    viewer = client_for(world.viewer_a).get(url)
    assert viewer.status_code == 200
    assert "Move to" not in viewer.content.decode()  # read-only
    editor = client_for(world.editor_a).get(url)
    assert "Move to" in editor.content.decode()


def test_empty_board_says_what_to_do(client_for, world):
    body = (
        client_for(world.owner_a)
        .get(reverse("campaigns:roster", args=[world.campaign_a.pk]))
        .content.decode()
    )
    assert "Nobody on this roster yet" in body


def test_move_records_history_and_updates_budget(client_for, world):
    world.campaign_a.budget = Decimal("1000")
    world.campaign_a.save()
    entry = add(world, fee="600")
    add(world, fee="300", stage="contracted")
    url = reverse("campaigns:roster_move", args=[world.campaign_a.pk, entry.pk])
    assert client_for(world.viewer_a).post(url, {"stage": "contracted"}).status_code == 404
    assert client_for(world.owner_b).post(url, {"stage": "contracted"}).status_code == 404
    response = client_for(world.owner_a).post(url, {"stage": "contracted"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    board = response.context["board"]
    assert board["committed"] == Decimal("900")
    assert board["over_budget"] is False
    last = StageChange.objects.filter(entry=entry).order_by("-id").first()
    assert (last.from_stage, last.to_stage, last.changed_by) == (
        "shortlisted",
        "contracted",
        world.owner_a,
    )
    assert "Shortlisted → Contracted by owner_a" in response.content.decode()


def test_over_budget_warning_and_bad_stage(client_for, world):
    world.campaign_a.budget = Decimal("500")
    world.campaign_a.save()
    entry = add(world, fee="800", stage="content_live")
    client = client_for(world.editor_a)
    page = client.get(reverse("campaigns:roster", args=[world.campaign_a.pk]))
    body = page.content.decode()
    # The over-budget amount is marked (a badge) and the negative remainder written as money.
    assert 'id="over-budget" role="alert">Over budget by $300<' in body
    assert 'id="budget-remaining" class="negative">-$300<' in body
    bad = client.post(
        reverse("campaigns:roster_move", args=[world.campaign_a.pk, entry.pk]),
        {"stage": "signed"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 422 and "Unknown stage" in bad.content.decode()


def test_inline_update_of_fee_notes_owner(client_for, world):
    entry = add(world)
    url = reverse("campaigns:roster_update", args=[world.campaign_a.pk, entry.pk])
    client = client_for(world.editor_a)
    response = client.post(
        url,
        {"agreed_fee": "1250.50", "notes": "Wants two reels", "owner": world.viewer_a.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.agreed_fee == Decimal("1250.50")
    assert entry.notes == "Wants two reels" and entry.owner == world.viewer_a
    bad = client.post(url, {"agreed_fee": "-3"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and "Agreed fee" in bad.content.decode()
    outsider_owner = client.post(url, {"owner": world.owner_b.pk}, HTTP_HX_REQUEST="true")
    assert outsider_owner.status_code == 422
    assert client_for(world.viewer_a).post(url, {"notes": "x"}).status_code == 404


def test_board_query_count_does_not_grow_with_entries(client_for, world):
    add(world, fee="10")
    client = client_for(world.owner_a)
    url = reverse("campaigns:roster", args=[world.campaign_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for stage in ("contacted", "negotiating", "contracted", "declined"):
        add(world, fee="10", stage=stage)
        add(world, stage=stage)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small) <= 12


def test_bulk_move_moves_the_selected_entries_of_this_campaign_only(client_for, world):
    first, second, third = add(world), add(world), add(world)
    foreign = services.roster_entry_add(
        campaign=world.campaign_b, creator=f.CreatorFactory(), user=world.owner_b
    )
    url = reverse("campaigns:roster_bulk_move", args=[world.campaign_a.pk])
    response = client_for(world.editor_a).post(
        url,
        {"entry": [first.pk, second.pk, foreign.pk], "stage": "contacted"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Moved 2 creators to Contacted." in response.content.decode()
    stages = {e.pk: e.stage for e in world.campaign_a.roster.all()}
    assert stages == {first.pk: "contacted", second.pk: "contacted", third.pk: "shortlisted"}
    foreign.refresh_from_db()
    assert foreign.stage == "shortlisted"  # another organisation's entry is ignored
    assert StageChange.objects.filter(entry=first, to_stage="contacted").count() == 1


def test_bulk_move_refuses_viewers_other_orgs_and_empty_selections(client_for, world):
    entry = add(world)
    url = reverse("campaigns:roster_bulk_move", args=[world.campaign_a.pk])
    data = {"entry": [entry.pk], "stage": "contacted"}
    assert client_for(world.viewer_a).post(url, data).status_code == 404
    assert client_for(world.owner_b).post(url, data).status_code == 404
    client = client_for(world.editor_a)
    empty = client.post(url, {"stage": "contacted"}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 422 and "Select at least one creator" in empty.content.decode()
    bad = client.post(url, {**data, "stage": "signed"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and "Unknown stage" in bad.content.decode()
    entry.refresh_from_db()
    assert entry.stage == "shortlisted"


def test_saved_fee_is_confirmed_on_its_card(client_for, world):
    entry = add(world)
    response = client_for(world.editor_a).post(
        reverse("campaigns:roster_update", args=[world.campaign_a.pk, entry.pk]),
        {"agreed_fee": "1200", "notes": "", "owner": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    card = body[body.index(f'id="entry-{entry.pk}"') :]
    card = card[: card.index("</article>")]
    assert 'class="saved small" role="status">Saved<' in card
    assert '<span class="fee">$1,200</span>' in card
    assert f"Saved fee, notes and owner of @{entry.creator.handle}." in body


def test_cards_link_to_profiles_and_closed_or_empty_stages_collapse(client_for, world):
    live = add(world, stage="contacted")
    gone = add(world, stage="declined")
    body = (
        client_for(world.viewer_a)
        .get(reverse("campaigns:roster", args=[world.campaign_a.pk]))
        .content.decode()
    )
    assert (
        f'href="{reverse("creators:detail", args=[live.creator.pk])}">@{live.creator.handle}'
        in body
    )
    assert '<details class="board-column is-collapsed" data-stage="declined">' in body
    assert '<details class="board-column is-collapsed" data-stage="negotiating">' in body  # empty
    assert '<section class="board-column" aria-label="Contacted" data-stage="contacted">' in body
    assert f"@{gone.creator.handle}" in body  # still there, inside the collapsed column
    assert 'form="bulk-move"' not in body  # a viewer gets no selection boxes
