"""Query filters of the campaign endpoints.

A filter that names another object must not tell whether an id the user cannot see exists: the
brand filter narrows the user's own campaigns (`for_user`), so another organisation's brand and
a brand that does not exist both match nothing (an empty 200). It used to look the id up among
all brands: 400 for a missing one, an empty list for another organisation's.
"""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from campaigns.models import Campaign, Conversion


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An object id: an integer (`?brand=1.5` or `?brand=x` is a 400 naming the parameter)."""

    field_class = forms.IntegerField


class CampaignFilter(django_filters.FilterSet):
    brand = IdFilter(field_name="brand_id", help_text="Campaigns of this brand (one of yours).")

    class Meta:
        model = Campaign
        fields = ["status", "objective", "brand"]


class ConversionFilter(django_filters.FilterSet):
    """The conversions list's filters. `attributed_by` lists the rules that place an order
    (an unattributed order stores "", which a query parameter cannot ask for: an empty value is
    refused like every empty parameter, so the schema does not offer it)."""

    campaign = IdFilter(
        field_name="campaign_id", help_text="Orders of this campaign (one of yours)."
    )
    entry = IdFilter(field_name="entry_id", help_text="Orders attributed to this roster entry.")
    attributed_by = django_filters.ChoiceFilter(
        choices=[choice for choice in Conversion.AttributedBy.choices if choice[0]],
        help_text="How the order was attributed to a creator.",
    )

    class Meta:
        model = Conversion
        fields = ["campaign", "entry", "status", "attributed_by", "source"]
