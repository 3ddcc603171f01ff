"""The values a campaign's targeting is picked from: countries and languages by name (Babel's
CLDR data, in English), audience age and gender buckets, niches (the catalogue's categories),
keyword suggestions, and the brand's defaults for a new campaign.

Audience shares are stored per bucket (creators.AudienceShare: country=DE, language=de,
age=18-24, gender=female), so a target outside these lists would match nobody.
"""

from functools import cache

from babel import Locale

from campaigns.models import Brand
from creators.selectors import category_choices

# Age bands of audience data (platform insights report these, the demo catalogue seeds them).
AGE_BUCKETS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "55+", "65+")
GENDERS = (("female", "Female"), ("male", "Male"), ("other", "Other"))

# CLDR's region codes that are not countries (groupings, "unknown", pseudo-locales).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


@cache
def country_choices() -> tuple[tuple[str, str], ...]:
    """(ISO 3166 alpha-2 code, "Germany (DE)") for every country, by name."""
    names = Locale.parse("en").territories
    pairs = (
        (code, f"{name} ({code})")
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )
    return tuple(sorted(pairs, key=lambda pair: pair[1]))


@cache
def language_choices() -> tuple[tuple[str, str], ...]:
    """(ISO 639-1 code, "German (de)") for every language with a two-letter code, by name."""
    names = Locale.parse("en").languages
    pairs = ((code, f"{name} ({code})") for code, name in names.items() if len(code) == 2)
    return tuple(sorted(pairs, key=lambda pair: pair[1]))


def age_choices() -> tuple[tuple[str, str], ...]:
    return tuple((bucket, bucket) for bucket in AGE_BUCKETS)


def gender_choices() -> tuple[tuple[str, str], ...]:
    return GENDERS


def niche_choices() -> list[tuple[int, str]]:
    """(category id, name) of the catalogue's categories (cached by creators.selectors)."""
    return category_choices()


def keyword_suggestions() -> list[str]:
    """What the keyword pickers suggest: the catalogue's category names, lower-cased."""
    return [name.lower() for _pk, name in category_choices()]


def with_current(choices, current) -> list[tuple[str, str]]:
    """`choices` plus any value already stored that the list lacks (kept, shown as itself), so
    saving an older campaign unchanged never fails on its own targeting."""
    known = {value for value, _label in choices}
    return [*choices, *((value, value) for value in current or () if value not in known)]


def brand_defaults(brand: Brand) -> dict:
    """A new campaign's targeting from its brand: the brand's lists, and as niches the
    catalogue's categories named by the brand's category or interests."""
    wanted = {name.strip().lower() for name in [brand.category, *brand.target_interests] if name}
    return {
        "target_countries": list(brand.target_countries),
        "target_age_buckets": list(brand.target_age_buckets),
        "target_genders": list(brand.target_genders),
        "target_languages": list(brand.target_languages),
        "target_interests": list(brand.target_interests),
        "keywords": list(brand.keywords),
        "excluded_keywords": list(brand.excluded_keywords),
        "niches": [pk for pk, name in category_choices() if name.lower() in wanted],
    }
