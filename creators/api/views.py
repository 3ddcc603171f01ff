"""Creator catalogue API: the discovery list (same filters, ordering and selector as the page)
and a creator's detail (metrics with their explanations, audience, recent posts)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from creators.forms import DiscoveryFilterForm
from creators.models import Creator
from creators.selectors import creator_profile, discovery_creators
from matchmaker.api import query


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

    class Meta:
        model = Creator
        fields = [
            "id", "platform", "handle", "display_name", "country", "language", "followers",
            "price_currency", "tier", "er_median", "authenticity_score", "growth_30d",
            "price", "price_estimated", "score",
        ]  # fmt: skip


FILTERS = [
    ("q", str), ("platform", str), ("min_followers", int), ("max_followers", int),
    ("country", str), ("language", str), ("category", int), ("min_er", float),
    ("min_authenticity", float), ("max_price", float), ("audience_country", str),
    ("min_audience_share", float), ("campaign", int), ("sort", str),
]  # fmt: skip
FILTER_PARAMS = [OpenApiParameter(name, type=kind, required=False) for name, kind in FILTERS]
TYPED_FILTERS = [name for name, kind in FILTERS if kind is not str]


@extend_schema(parameters=FILTER_PARAMS)
class CreatorList(generics.ListAPIView):
    """Creators matching the discovery filters (percent inputs as on the page: 3 = 3%)."""

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
        form = DiscoveryFilterForm(params, user=self.request.user)
        if not form.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        return discovery_creators(filters=form.cleaned_data)


class CreatorDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.CharField()
    handle = serializers.CharField()
    display_name = serializers.CharField()
    country = serializers.CharField()
    language = serializers.CharField()
    bio = serializers.CharField()
    followers = serializers.IntegerField()
    quoted_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    price_currency = serializers.CharField()
    metrics = serializers.DictField(allow_null=True)
    authenticity_reasons = serializers.ListField(child=serializers.DictField())
    growth_spikes = serializers.ListField(child=serializers.DictField())
    audience = serializers.DictField(child=serializers.ListField(child=serializers.DictField()))
    posts = serializers.ListField(child=serializers.DictField())


METRIC_FIELDS = (
    "computed_at", "tier", "er_mean", "er_median", "er_views", "er_posts_used", "er_from_profile",
    "er_percentile", "likes_per_comment", "authenticity_score", "authenticity_confidence",
    "growth_30d", "estimated_price", "price_is_estimate",
)  # fmt: skip


class CreatorDetail(generics.RetrieveAPIView):
    """One creator: metrics with the reasons behind the authenticity score, audience, posts."""

    serializer_class = CreatorDetailSerializer
    queryset = Creator.objects.all()

    def retrieve(self, request, *args, **kwargs):
        from rest_framework.response import Response

        creator = self.get_object()
        profile = creator_profile(creator=creator, user=request.user)
        m = profile.metrics
        metrics = {name: _plain(getattr(m, name, None)) for name in METRIC_FIELDS} if m else None
        data = {
            "id": creator.id,
            "platform": creator.platform,
            "handle": creator.handle,
            "display_name": creator.display_name,
            "country": creator.country,
            "language": creator.language,
            "bio": creator.bio,
            "followers": creator.followers,
            "quoted_price": creator.quoted_price,
            "price_currency": creator.price_currency,
            "metrics": metrics,
            "authenticity_reasons": profile.reasons,
            "growth_spikes": profile.spikes,
            "audience": {
                dim: [{"bucket": s.bucket, "share": s.share} for s in shares]
                for dim, shares in profile.audience.items()
            },
            "posts": [
                {
                    "id": p.id,
                    "posted_at": p.posted_at.isoformat(),
                    "url": p.url,
                    "likes": p.likes,
                    "comments": p.comments,
                    "views": p.views,
                    "is_sponsored": p.is_sponsored,
                }
                for p in profile.posts
            ],
        }
        return Response(self.get_serializer(data).data)


def _plain(value):
    from datetime import datetime
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
