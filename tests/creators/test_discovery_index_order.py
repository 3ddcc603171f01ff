"""The catalogue score, ER and growth sorts are read as metrics-index order then the rest
(matchmaker.lib.split_queryset): every page must hold exactly the rows, in exactly the order,
of the single ORDER BY over the LEFT JOIN they replace (creators without metrics last, ties by
id), whatever the filters."""

import random
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.discovery.selectors import CATALOGUE_ORDER, SORT_ORDER, discovery_creators
from creators.selectors import catalogue_creators
from matchmaker.lib.pagination import CappedPaginator
from matchmaker.lib.split_queryset import SplitQuerySet
from tests import factories as f

pytestmark = pytest.mark.django_db

OLD_ORDER = {"score": CATALOGUE_ORDER, "er": SORT_ORDER["er"], "growth": SORT_ORDER["growth"]}
FILTERS = [
    {},
    {"platform": "tiktok"},
    {"country": "FR"},
    {"min_followers": 20_000, "max_followers": 80_000},
    {"min_er": 0.02},
    {"q": "yoga"},
    {"max_price": Decimal("400")},
]


@pytest.fixture
def catalogue():
    """70 creators: ties on every sort key, metrics with the sort value missing (NULL), and
    creators without metrics, created in an order unrelated to their scores."""
    rng = random.Random(7)
    category = f.CategoryFactory(name="Fitness", slug="fitness")
    for i in range(70):
        creator = f.CreatorFactory(
            handle=f"order{i}",
            platform=rng.choice(["instagram", "tiktok"]),
            country=rng.choice(["DE", "FR"]),
            followers=rng.choice([15_000, 45_000, 90_000]),
            bio=rng.choice(["Yoga at dawn.", "Plant-based recipes."]),
            quoted_price=rng.choice([None, Decimal("250"), Decimal("600")]),
        )
        if i % 5 == 0:
            creator.categories.add(category)
        if i % 7 == 3:
            continue  # no metrics yet
        score = rng.choice([None, 0.0, 0.25, 0.25, 0.5, 0.9])
        f.CreatorMetricsFactory(
            creator=creator,
            computed_at=timezone.now(),
            er_median=rng.choice([None, 0.0, 0.01, 0.03, 0.03]),
            growth_30d=rng.choice([None, -0.5, 0.0, 0.02, 0.02]),
            er_percentile=0.5,
            authenticity_score=80.0,
            catalogue_score=score,
            estimated_price=rng.choice([None, Decimal("300"), Decimal("500")]),
        )


def old_ids(filters: dict, sort: str) -> list[int]:
    qs = catalogue_creators(filters=filters).order_by(*OLD_ORDER[sort])
    return list(qs.values_list("id", flat=True))


@pytest.mark.parametrize("sort", ["score", "er", "growth"])
@pytest.mark.parametrize("filters", FILTERS, ids=lambda d: ",".join(d) or "none")
def test_pages_match_the_single_order_by(catalogue, filters, sort):
    expected = old_ids(filters, sort)
    assert expected, "the filter should match some creators"
    new = discovery_creators(filters={**filters, "sort": sort})
    assert isinstance(new, SplitQuerySet)
    for per_page in (1, 4, 10, 25):
        # Uncounted: every page through the head and tail queries.
        split = new.values("id")
        pages = range(0, len(expected) + per_page, per_page)
        seen = [[row["id"] for row in split[start : start + per_page]] for start in pages]
        assert not split._small
        for start, page in zip(pages, seen, strict=True):
            assert page == expected[start : start + per_page]
        # Counted by the page's paginator: a set this small is read in one sorted query.
        paginator = CappedPaginator(new.values("id"), per_page, max_pages=100)
        assert paginator.count == len(expected) and paginator.object_list._small
        seen = []
        for number in paginator.page_range:
            page = [row["id"] for row in paginator.page(number).object_list]
            assert page == expected[(number - 1) * per_page : number * per_page]
            seen += page
        assert seen == expected
        # A count stopped at the cap leaves the split reading (matches beyond the cap).
        capped = CappedPaginator(new.values("id"), per_page, max_pages=2)
        if capped.capped:
            assert not capped.object_list._small
            assert [r["id"] for r in capped.page(2).object_list] == expected[
                per_page : 2 * per_page
            ]
    # As the API's Django paginator and an export read it.
    assert Paginator(new, 9).count == len(expected)
    assert [c.id for c in Paginator(new, 9).page(2)] == expected[9:18]
    assert [c.id for c in new[: len(expected) + 5]] == expected
    assert [c.id for c in new] == expected
    assert [c.id for c in new[3:]] == expected[3:]
    assert new[len(expected) - 1].id == expected[-1]


def test_the_catalogue_holds_what_the_split_must_get_right(catalogue):
    ids = old_ids({}, "score")
    tail = [c.id for c in discovery_creators(filters={"sort": "score"}).tail]
    # Creators without metrics and metrics without a score share the tail, interleaved by id.
    assert len(tail) > 5 and tail == sorted(tail) and ids[-len(tail) :] == tail
    from scoring.models import CreatorMetrics

    null_scored = set(
        CreatorMetrics.objects.filter(catalogue_score__isnull=True).values_list(
            "creator_id", flat=True
        )
    )
    assert null_scored & set(tail) and set(tail) - null_scored


def test_filter_and_values_keep_the_order(catalogue):
    new = discovery_creators(filters={"sort": "growth"})
    expected = old_ids({"platform": "tiktok"}, "growth")
    narrowed = new.filter(platform="tiktok").values_list("id", flat=True)
    assert list(narrowed) == expected


def test_a_small_counted_set_is_one_sorted_query(catalogue, monkeypatch):
    new = discovery_creators(filters={"sort": "score", "country": "FR"}).values("id")
    expected = old_ids({"country": "FR"}, "score")
    assert new.count() == len(expected)
    with CaptureQueriesContext(connection) as queries:
        rows = new[2:9]
    assert [r["id"] for r in rows] == expected[2:9] and len(queries) == 1
    assert "LEFT OUTER JOIN" in queries[0]["sql"]
    # Past SMALL rows a count keeps the split.
    monkeypatch.setattr(SplitQuerySet, "SMALL", len(expected) - 1)
    new = discovery_creators(filters={"sort": "score", "country": "FR"}).values("id")
    assert new.count() == len(expected) and not new._small


def test_a_page_inside_the_head_is_one_query(catalogue):
    new = discovery_creators(filters={"sort": "score"}).values("id")
    with CaptureQueriesContext(connection) as queries:
        rows = new[0:10]
    assert len(rows) == 10 and len(queries) == 1
    sql = queries[0]["sql"]
    assert "INNER JOIN" in sql and "LEFT OUTER JOIN" not in sql
    assert 'ORDER BY COALESCE("scoring_creatormetrics"."catalogue_score"' in sql
    assert '"scoring_creatormetrics"."creator_id" ASC' in sql


def test_a_page_past_the_head_reads_the_tail_from_the_right_place(catalogue):
    new = discovery_creators(filters={"sort": "score"}).values("id")
    expected = old_ids({}, "score")
    head = new.head.count()
    assert [r["id"] for r in new[head + 2 : head + 4]] == expected[head + 2 : head + 4]
    assert [r["id"] for r in new[head - 1 : head + 1]] == expected[head - 1 : head + 1]
    assert new[len(expected) : len(expected) + 3] == []
