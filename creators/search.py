"""Discovery's keyword search: PostgreSQL full text over the creator's stored search vector
(handle, name, bio; Creator.search_vector, GIN-indexed), category names, and a handle prefix.

A keyword is read as a web search (websearch_to_tsquery: words are ANDed, "quoted phrases" must
be adjacent, `or` and `-word` work) with the 'english' configuration the vector was built with
(stemmed: "running" finds "runs"). One configuration on both sides: a 'simple' handle vector
would never hold the stemmed lexemes an english query asks for, and OR-ing a second, 'simple'
reading of the query would turn "vegan -baking" into a match for bios that say "baking". A
handle's whole words are in the vector; its beginning ("@glowi") is the prefix match. Ranked with
ts_rank (A: handle and name, B: bio)."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from creators.models import Category, Creator


def keyword_term(raw: str | None) -> str:
    """The keyword as searched: trimmed, without a leading @."""
    return (raw or "").strip().lstrip("@")


def has_keyword(raw: str | None) -> bool:
    return bool(keyword_term(raw))


def keyword_query(term: str) -> SearchQuery:
    """The term as an english web-search query."""
    return SearchQuery(term, search_type="websearch", config="english")


def matching_categories(query: SearchQuery) -> list[int]:
    """Ids of the categories whose name matches (the category table is small: read first, so
    the creator filter stays an index condition when no category matches)."""
    vector = SearchVector("name", config="english")
    return list(
        Category.objects.annotate(search=vector).filter(search=query).values_list("pk", flat=True)
    )


def with_keyword(qs: QuerySet, term: str) -> QuerySet:
    """Creators of qs matching the keyword in handle, name, bio or a category name, or whose
    handle starts with it; annotated with `search_rank` (0 for category- or prefix-only hits)."""
    term = keyword_term(term)
    query = keyword_query(term)
    condition = Q(search_vector=query) | Q(handle__startswith=term.lower())
    categories = matching_categories(query)
    if categories:
        through = Creator.categories.through
        condition |= Exists(
            through.objects.filter(creator_id=OuterRef("pk"), category_id__in=categories)
        )
    return qs.filter(condition).annotate(search_rank=SearchRank(F("search_vector"), query))
