"""Share links through the API: list a campaign's links, create one (its URL is in the answer
once, never again), revoke one. Scoped like every endpoint: another organisation's campaign or
link is a 404, a viewer's write a 403; the writes go through campaigns.sharing.services."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.models import Campaign, ShareLink
from campaigns.sharing import services
from matchmaker.api.scoping import scoped_object
from matchmaker.api.strict import StrictTypes


class ShareLinkSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(help_text="live, expired or revoked")

    class Meta:
        model = ShareLink
        fields = [
            "id", "campaign", "expires_at", "show_fees", "created_by", "created_at",
            "revoked_at", "last_viewed_at", "view_count", "state",
        ]  # fmt: skip
        read_only_fields = fields

    def get_state(self, link) -> str:
        if link.revoked_at is not None:
            return "revoked"
        return "live" if services.is_live(link) else "expired"


class ShareLinkCreatedSerializer(ShareLinkSerializer):
    url = serializers.CharField(
        read_only=True,
        help_text="The report's address, with its token: in this answer only, never again.",
    )

    class Meta(ShareLinkSerializer.Meta):
        fields = [*ShareLinkSerializer.Meta.fields, "url"]
        read_only_fields = fields


class ShareLinkCreateSerializer(StrictTypes, serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1,
        max_value=services.MAX_DAYS,
        default=services.DEFAULT_DAYS,
        help_text=f"Days until the link expires: 1 to {services.MAX_DAYS}.",
    )
    show_fees = serializers.BooleanField(
        default=False,
        help_text="Show creator fees, spend and costs per result (never the margin).",
    )


class ShareLinkList(generics.ListCreateAPIView):
    """A campaign's share links, newest first; POST creates one (owners and editors)."""

    serializer_class = ShareLinkSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request data
            return ShareLink.objects.none()
        campaign = scoped_object(Campaign, self.request, pk=self.kwargs["pk"])
        return ShareLink.objects.filter(campaign=campaign).order_by("-created_at", "-id")

    @extend_schema(request=ShareLinkCreateSerializer, responses={201: ShareLinkCreatedSerializer})
    def post(self, request, pk: int):
        campaign = scoped_object(Campaign, request, pk=pk)
        serializer = ShareLinkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link, raw = services.share_link_create(
            campaign=campaign, user=request.user, **serializer.validated_data
        )
        link.url = request.build_absolute_uri(reverse("share_report", args=[raw]))
        response = Response(ShareLinkCreatedSerializer(link).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class ShareLinkRevoke(APIView):
    """Revoke a share link: its report answers 404 from now on (revoking twice is harmless)."""

    @extend_schema(request=None, responses=ShareLinkSerializer)
    def post(self, request, pk: int):
        link = scoped_object(ShareLink, request, pk=pk)
        link = services.share_link_revoke(link=link, user=request.user)
        return Response(ShareLinkSerializer(link).data)
