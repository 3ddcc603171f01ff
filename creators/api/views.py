"""Creator catalogue API: a creator's detail (metrics with their explanations, audience, recent
posts). The list, ranked like the discovery page, is campaigns/discovery/api.py."""

from rest_framework import generics, serializers

from creators.models import Creator
from creators.selectors import creator_profile


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
        profile = creator_profile(creator=creator)
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
