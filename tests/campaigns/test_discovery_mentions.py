"""Discovery's "already mentions <brand>" filter (campaigns.discovery.mentions): the SQL keeps
exactly the creators scoring.metrics.affinity.organic_mentions finds on the same posts, with the
same counts and last dates; only the user's own brands are offered (the API's side is in
tests/api/test_discovery_mentions_filter.py)."""

import random
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from django.urls import reverse

from campaigns.discovery.forms import DiscoveryFilterForm
from campaigns.discovery.mentions import brand_mention_summary, brand_regex, with_brand_mentions
from campaigns.discovery.selectors import discovery_creators
from creators.models import Creator, Post
from scoring.metrics import affinity
from tests import factories as f

BRANDS = ["Lumen", "Blue Bottle", "Café Olé", "Straße", "#Glow"]
# Caption pieces: mentions in several spellings, and near-misses that contain a brand's letters
# without naming it (lumens, illuminated, bluebottles, cafeolé-like words, glowing).
PIECES = [
    "I love LUMEN",
    "lümen every day",
    "Lumen's new serum",
    "@lumen_official",
    "#lumen",
    "my lumens",
    "illuminated",
    "Blue Bottle coffee",
    "#BlueBottle",
    "blue-bottle",
    "bluebottles",
    "blue sky, bottle green",
    "CAFÉ OLÉ",
    "cafe-ole",
    "#CafeOle",
    "cafeoles",
    "STRASSE",
    "in der Straße",
    # A Hebrew point after the name: not a word character for Python, one for glibc.
    "lumen\u05b0",
    "strasse42",
    "Straßenbahn",
    "#glow✨",
    "GLOW up",
    "glowing",
    "nothing to see",
    "",
]
START = datetime(2026, 6, 1, tzinfo=UTC)


def _posts(seed: int, creators_n: int = 30) -> list[Creator]:
    rng = random.Random(seed)
    creators = []
    for i in range(creators_n):
        creator = f.CreatorFactory(handle=f"gen{seed}_{i}", followers=20_000)
        creators.append(creator)
        for j in range(rng.randint(1, 3)):
            f.PostFactory(
                creator=creator,
                external_id=f"{i}-{j}",
                posted_at=START + timedelta(days=rng.randint(0, 150), hours=j),
                caption=" ".join(rng.sample(PIECES, rng.randint(0, 3))),
                hashtags=rng.sample(["skincare", "BlueBottle", "lumen", "ad", "glowing"], 1)
                if rng.random() < 0.4
                else [],
                sponsor_handles=["cafe_ole"] if rng.random() < 0.1 else [],
                is_sponsored=rng.random() < 0.2,
            )
    return creators


def _frame(creators) -> pd.DataFrame:
    posts = pd.DataFrame.from_records(
        Post.objects.filter(creator__in=creators).values(*affinity.POST_COLUMNS),
        columns=affinity.POST_COLUMNS,
    )
    posts["posted_at"] = pd.to_datetime(posts["posted_at"], utc=True)
    return posts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_filter_keeps_exactly_whom_affinity_finds(db, seed):
    creators = _posts(seed)
    ids = [c.pk for c in creators]
    posts = _frame(creators)
    kept_any, dropped_any = False, False
    for brand in BRANDS:
        expected = affinity.organic_affinity(ids, posts, brand, [], [])
        mentioning = expected[expected["brand_n"] > 0]
        found = set(
            with_brand_mentions(Creator.objects.filter(pk__in=ids), brand).values_list(
                "pk", flat=True
            )
        )
        assert found == set(mentioning.index), brand
        summary = brand_mention_summary(brand_name=brand, creator_ids=ids)
        assert summary == {
            cid: (int(row.brand_n), row.last_mention.to_pydatetime())
            for cid, row in mentioning.iterrows()
        }, brand
        kept_any |= bool(found)
        dropped_any |= len(found) < len(ids)
    assert kept_any and dropped_any  # the generated posts tell the two apart


def test_spellings_that_match_and_substrings_that_do_not(db):
    cases = {
        "Love this #SkinCare routine! #LUMEN": True,
        "Lümen, again": True,
        "@lumen_official sent me this": True,
        "LUMEN's best": True,
        "so many lumens": False,
        "illuminated": False,
        "lumen": True,
    }
    for n, (caption, _) in enumerate(cases.items()):
        f.PostFactory(creator=f.CreatorFactory(handle=f"c{n}"), caption=caption)
    paid = f.PostFactory(
        creator=f.CreatorFactory(handle="paid"), caption="Lumen", is_sponsored=True
    )
    tagged = f.PostFactory(creator=f.CreatorFactory(handle="tagged"), sponsor_handles=["Lumen"])
    found = set(
        with_brand_mentions(Creator.objects.all(), "Lumen").values_list("handle", flat=True)
    )
    expected = {f"c{n}" for n, matches in enumerate(cases.values()) if matches}
    assert found == expected | {tagged.creator.handle}
    assert paid.creator.handle not in found
    assert brand_regex("!!!") is None
    assert not with_brand_mentions(Creator.objects.all(), "!!!").exists()


def make_mentioning():
    """fan: two unpaid posts naming Leafy Skincare (the last on 1 Dec 2026) and a paid one;
    paid: only a paid one; silent: none. All in the default follower range."""
    fan, paid, silent = (
        f.CreatorFactory(handle=h, followers=20_000) for h in ("fan", "paid", "silent")
    )
    for day, sponsored in ((datetime(2026, 11, 2, 12, tzinfo=UTC), False),
                           (datetime(2026, 12, 1, 12, tzinfo=UTC), False),
                           (datetime(2026, 12, 2, 12, tzinfo=UTC), True)):  # fmt: skip
        f.PostFactory(creator=fan, caption="My #LeafySkincare haul", posted_at=day,
                      is_sponsored=sponsored)  # fmt: skip
    f.PostFactory(creator=paid, caption="Leafy Skincare", is_sponsored=True)
    f.PostFactory(creator=silent, caption="Leafy greens")
    # Another organisation's brand, mentioned by silent: never offered to org A.
    f.PostFactory(creator=silent, caption="Globex Sneakers!")
    return fan, paid, silent


@pytest.fixture
def mentioning(world):
    return make_mentioning()


def test_form_offers_only_the_users_brands(world, mentioning):
    form = DiscoveryFilterForm({}, user=world.viewer_a)
    offered = [label for _, label in form.fields["mentions_brand"].choices]
    assert offered == ["Any (no mention filter)", "Leafy Skincare"]
    foreign = DiscoveryFilterForm({"mentions_brand": world.brand_b.pk}, user=world.viewer_a)
    assert not foreign.is_valid() and "mentions_brand" in foreign.errors
    mine = DiscoveryFilterForm({"mentions_brand": world.brand_a.pk}, user=world.viewer_a)
    assert mine.is_valid(), mine.errors
    handles = discovery_creators(filters=mine.cleaned_data).values_list("handle", flat=True)
    assert list(handles) == ["fan"]


def test_page_filters_and_shows_how_often_and_when(world, mentioning, client_for):
    client = client_for(world.viewer_a)
    response = client.get(reverse("creators:discovery"), {"mentions_brand": world.brand_a.pk})
    html = response.content.decode()
    assert [row.handle for row in response.context["rows"]] == ["fan"]
    assert "Already mentions brand" in html and "Globex Sneakers" not in html
    assert "Mentioned Leafy Skincare unpaid in 2 posts, last 1 Dec 2026" in html
    # Without the filter no row carries the note.
    plain = client.get(reverse("creators:discovery")).content.decode()
    assert "@silent" in plain and "Mentioned " not in plain
    refused = client.get(reverse("creators:discovery"), {"mentions_brand": world.brand_b.pk})
    assert refused.context["rows"] == [] and "Globex Sneakers" not in refused.content.decode()
    assert "mentions_brand" in refused.context["form"].errors


def test_a_row_shortlisted_in_place_keeps_its_mentions(world, mentioning, client_for):
    fan = mentioning[0]
    page = reverse("creators:discovery") + f"?mentions_brand={world.brand_a.pk}"
    response = client_for(world.editor_a).post(
        reverse("creators:shortlist", args=[fan.pk]),
        {"campaign": world.campaign_a.pk, "next": page},
        HTTP_HX_REQUEST="true",
    )
    row = response.content.decode()
    assert "Shortlisted to Spring glow" in row
    assert "Mentioned Leafy Skincare unpaid in 2 posts, last 1 Dec 2026" in row
