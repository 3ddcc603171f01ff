"""The discovery list API: creators ranked with the same filters, ordering and selector as the
discovery page (a campaign's match score, or the catalogue score)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from campaigns.discovery.forms import DiscoveryFilterForm
from campaigns.discovery.selectors import discovery_creators
from campaigns.models import Brand
from creators.models import Creator
from matchmaker.api import query
from matchmaker.api.display import Display


class CreatorListSerializer(serializers.ModelSerializer):
    tier = serializers.CharField(source="metrics.tier", default=None, allow_null=True)
    er_median = serializers.FloatField(source="metrics.er_median", default=None, allow_null=True)
    authenticity_score = serializers.FloatField(
        source="metrics.authenticity_score", default=None, allow_null=True
    )
    growth_30d = serializers.FloatField(source="metrics.growth_30d", default=None, allow_null=True)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    price_estimated = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True)
    followers_display = Display("count", "followers")
    er_median_display = Display("rate", "metrics.er_median")
    er_percentile_display = Display("rank", "metrics.er_percentile")
    authenticity_score_display = Display("number", "metrics.authenticity_score")
    growth_30d_display = Display("rate", "metrics.growth_30d")
    price_display = Display("money", "price", currency="price_currency")
    score_display = Display("score", "score")

    class Meta:
        model = Creator
        fields = [
            "id", "platform", "handle", "display_name", "country", "language", "followers",
            "followers_display", "price_currency", "tier", "er_median", "er_median_display",
            "er_percentile_display", "authenticity_score", "authenticity_score_display",
            "growth_30d", "growth_30d_display", "price", "price_display", "price_estimated",
            "score", "score_display",
        ]  # fmt: skip


FILTERS = [
    ("q", str), ("platform", str), ("min_followers", int), ("max_followers", int),
    ("country", str), ("language", str), ("category", int), ("min_er", float),
    ("min_authenticity", float), ("max_price", float), ("audience_country", str),
    ("min_audience_share", float), ("min_substantive", float), ("min_reply_share", float),
    ("no_pod", bool), ("mentions_brand", int), ("campaign", int), ("sort", str),
]  # fmt: skip
FILTER_PARAMS = [OpenApiParameter(name, type=kind, required=False) for name, kind in FILTERS]
TYPED_FILTERS = [name for name, kind in FILTERS if kind is not str]
# A form checkbox takes any text as ticked ("0" too); the API reads booleans strictly.
BOOLEANS = {"true": "true", "1": "true", "false": "", "0": ""}


def _boolean(name: str, raw: str) -> str:
    if raw.lower() not in BOOLEANS:
        raise ValidationError({name: [f"Give true or false, not {raw[:40]!r}."]})
    return BOOLEANS[raw.lower()]


@extend_schema(parameters=FILTER_PARAMS)
class CreatorList(generics.ListAPIView):
    """Creators matching the discovery filters (percent inputs as on the page: 3 = 3%);
    mentions_brand is the id of one of the user's brands (another id matches nothing)."""

    serializer_class = CreatorListSerializer
    filter_backends: list = []  # the discovery form is the one filter implementation

    def get_queryset(self):
        # The page's form takes an empty field as "not given"; the API refuses an empty number.
        query.reject_empty(self.request, TYPED_FILTERS)
        params = {
            name: query.single(self.request, name)
            for name, _ in FILTERS
            if name in self.request.query_params
        }
        for name, kind in FILTERS:
            if kind is bool and params.get(name) is not None:
                params[name] = _boolean(name, params[name])
        # As the API's id filters do: a brand that is not one of the user's (or none at all)
        # matches nothing, never a 400 that would tell another organisation's ids apart.
        brand_id = query.integer(self.request, "mentions_brand")
        foreign_brand = (
            brand_id is not None
            and not Brand.objects.for_user(self.request.user).filter(pk=brand_id).exists()
        )
        if foreign_brand:
            params.pop("mentions_brand")
        form = DiscoveryFilterForm(params, user=self.request.user)
        if not form.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        if foreign_brand:
            return Creator.objects.none()
        return discovery_creators(filters=form.cleaned_data)
