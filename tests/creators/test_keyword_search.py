"""Discovery's keyword search (creators.search): PostgreSQL full text over handle, name, bio and
category names with a handle prefix, stemmed and phrase-aware, ranked, served by the GIN index,
and the same shared catalogue for every organisation."""

import pytest
from django.db import connection

from campaigns.discovery.selectors import discovery_creators
from creators.models import Creator
from creators.search import with_keyword
from tests import factories as f

URL = "/creators/"

pytestmark = pytest.mark.django_db


def found(term: str, **filters) -> list[str]:
    """Handles matching the keyword on the discovery selector (all follower counts), in order."""
    filters = {"q": term, "min_followers": None, "max_followers": None, **filters}
    return [c.handle for c in discovery_creators(filters=filters)]


def creator(handle: str, bio: str = "", display_name: str = "", **fields):
    return f.CreatorFactory(handle=handle, bio=bio, display_name=display_name, **fields)


def test_stemmed_terms_find_other_forms_of_the_word():
    creator("riverside", bio="Sunday runs along the river.")
    creator("clubhouse", display_name="Run Club Berlin")
    creator("trackstar", bio="Marathon runners, every weekend.")
    creator("baker", bio="Sourdough and cakes.")
    assert sorted(found("running")) == ["clubhouse", "riverside"]  # run, runs
    assert found("runner") == ["trackstar"]  # runners; 'runner' is its own English stem
    assert found("cake") == ["baker"]
    assert found("swimming") == []


def test_several_words_must_all_match_in_any_field_and_order():
    creator("both", bio="Baking, slowly. Vegan since 2019.")
    creator("namebio", display_name="Vegan Jo", bio="Weekend baking")
    creator("vegan_only", bio="Vegan recipes")
    assert sorted(found("vegan baking")) == ["both", "namebio"]
    assert sorted(found("vegan or sourdough")) == ["both", "namebio", "vegan_only"]
    assert found("vegan -baking") == ["vegan_only"]


def test_a_quoted_phrase_must_appear_as_written():
    creator("phrase", bio="Easy vegan baking for beginners")
    creator("apart", bio="Baking, but not always vegan")
    assert sorted(found("vegan baking")) == ["apart", "phrase"]
    assert found('"vegan baking"') == ["phrase"]
    assert found('"vegan bakes"') == ["phrase"]  # stemmed inside the phrase too


def test_handle_prefix_and_whole_handle_words():
    creator("glowingskin", bio="Skincare")
    creator("alpha_glow")
    creator("beta_glow")
    creator("afterglow")
    assert found("@glowi") == ["glowingskin"]  # a prefix, not a word: the prefix match
    assert found("GLOWI") == ["glowingskin"]  # handles are lower-case
    # "_glow" finds the handles with the word glow (as ILIKE did for these), not "afterglow".
    assert sorted(found("_glow")) == ["alpha_glow", "beta_glow"]
    assert found("owingsk") == []  # no substring matching inside a word any more


def test_category_names_match():
    food = f.CategoryFactory(name="Vegan food", slug="vegan-food")
    fed = creator("fed", bio="Plates")
    fed.categories.add(food)
    creator("hungry", bio="Nothing here")
    assert found("foods") == ["fed"]
    assert found("vegan food") == ["fed"]


def test_best_matches_first_unless_another_sort_is_chosen():
    # Handle and name weigh more (A) than the bio (B); ties follow the catalogue score.
    bio_only = creator("plain", bio="Yoga at dawn", followers=90_000)
    in_name = creator("calm", display_name="Yoga Lena", followers=20_000)
    in_handle = creator("yogamats", followers=30_000)
    f.CreatorMetricsFactory(creator=bio_only, catalogue_score=0.9)
    f.CreatorMetricsFactory(creator=in_name, catalogue_score=0.1)
    f.CreatorMetricsFactory(creator=in_handle, catalogue_score=0.2)
    ranked = list(discovery_creators(filters={"q": "yoga", "sort": "relevance"}))
    # yogamats: a prefix hit only (rank 0).
    assert [c.handle for c in ranked] == ["calm", "plain", "yogamats"]
    assert ranked[0].search_rank > ranked[1].search_rank > ranked[2].search_rank == 0
    assert found("yoga", sort="followers") == ["plain", "yogamats", "calm"]
    # Without a keyword "relevance" is the score order.
    assert found("", sort="relevance") == ["plain", "yogamats", "calm"]


def test_the_page_sorts_a_keyword_search_by_relevance_by_default(world, client_for):
    creator("plain", bio="Yoga at dawn", followers=90_000)
    creator("calm", display_name="Yoga Lena", followers=20_000)
    client = client_for(world.viewer_a)
    response = client.get(URL, {"q": "yoga"})
    assert [c.handle for c in response.context["rows"]] == ["calm", "plain"]
    assert response.context["form"].cleaned_data["sort"] == "relevance"
    assert client.get(URL, {}).context["form"].cleaned_data["sort"] == "score"


def test_every_organisation_searches_the_same_shared_catalogue(world, client_for):
    creator("shared", bio="Vegan recipes")
    creator("other", bio="Cars")
    for user in (world.viewer_a, world.owner_b):
        response = client_for(user).get(URL, {"q": "vegan"})
        assert [c.handle for c in response.context["rows"]] == ["shared"]
    # The keyword does not open another organisation's campaign scores.
    response = client_for(world.viewer_a).get(URL, {"q": "vegan", "campaign": world.campaign_b.pk})
    assert "campaign" in response.context["form"].errors


def test_the_gin_index_serves_the_search_on_a_few_thousand_rows():
    words = ["vegan", "travel", "fitness", "gaming", "beauty", "coffee", "hiking", "jazz"]
    Creator.objects.bulk_create(
        Creator(
            platform="instagram",
            handle=f"maker{i}",
            display_name=f"Maker {i}",
            bio=f"{words[i % 8]} and {words[(i * 3) % 8]} stories"
            + (" with a zither" if i % 500 == 0 else ""),
            followers=10_000 + i,
        )
        for i in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE creators_creator")
        cursor.execute("SET LOCAL enable_seqscan = off")
    qs = with_keyword(Creator.objects.all(), "zithers")
    plan = qs.explain()
    assert "creator_search_vector" in plan  # the GIN index on the stored vector
    assert "creator_handle_prefix" in plan  # the prefix match, OR-ed in as a bitmap
    assert "Seq Scan" not in plan
    assert qs.count() == Creator.objects.filter(bio__contains="zither").count() == 8
