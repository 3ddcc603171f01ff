"""Campaign, roster and match endpoints. Every lookup starts from `for_user`; every write goes
through campaigns.services (which record StageChange and enqueue recomputes)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import services
from campaigns.api.filters import CampaignFilter
from campaigns.api.serializers import (
    CampaignSerializer,
    CampaignUpdateSerializer,
    RosterEntrySerializer,
    RosterEntryUpdateSerializer,
    StageMoveSerializer,
)
from campaigns.models import Campaign, RosterEntry
from campaigns.selectors import campaign_matches_page
from matchmaker.api.display import Display
from matchmaker.api.exceptions import Conflict
from matchmaker.api.pagination import CountedPagination
from matchmaker.api.query import query_data
from matchmaker.api.scoping import scoped_object
from scoring.models import MatchScore, ScoreRun
from scoring.selectors import latest_run, stored_or_on_demand_match


def _campaign_fields(data: dict) -> dict:
    fields = dict(data)
    fields.pop("brand", None)
    return fields


class CampaignList(generics.ListCreateAPIView):
    """Campaigns of the user's organisations; create one for a brand you can edit."""

    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    def get_queryset(self):
        return (
            Campaign.objects.for_user(self.request.user)
            .select_related("brand")
            .prefetch_related("niches")
            .order_by("-created_at", "id")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.campaign_create(
            brand=data["brand"], user=self.request.user, **_campaign_fields(data)
        )


@extend_schema_view(
    get=extend_schema(responses=CampaignSerializer),
    put=extend_schema(request=CampaignUpdateSerializer, responses=CampaignSerializer),
    patch=extend_schema(request=CampaignUpdateSerializer, responses=CampaignSerializer),
)
class CampaignDetail(generics.RetrieveUpdateDestroyAPIView):
    """One campaign: read, change (targeting edits recompute matches), delete (owners/editors)."""

    serializer_class = CampaignUpdateSerializer

    def get_queryset(self):
        return Campaign.objects.for_user(self.request.user).prefetch_related("niches")

    def get_object(self):
        return scoped_object(Campaign, self.request, pk=self.kwargs["pk"])

    def perform_update(self, serializer):
        serializer.instance = services.campaign_update(
            campaign=serializer.instance,
            user=self.request.user,
            **_campaign_fields(serializer.validated_data),
        )


def _campaign(request, pk: int) -> Campaign:
    return scoped_object(Campaign, request, pk=pk)


class RosterEntryList(generics.ListCreateAPIView):
    """A campaign's roster; POST a creator to shortlist it (idempotent: 200 if already there)."""

    serializer_class = RosterEntrySerializer
    filterset_fields = ["stage"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request data
            return RosterEntry.objects.none()
        campaign = _campaign(self.request, self.kwargs["pk"])
        return (
            RosterEntry.objects.for_user(self.request.user)
            .filter(campaign=campaign)
            .select_related("campaign")  # its currency: agreed_fee_display
            .prefetch_related("stage_changes")
            .order_by("id")
        )

    def create(self, request, *args, **kwargs):
        campaign = _campaign(request, kwargs["pk"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        creator = serializer.validated_data["creator"]
        existed = campaign.roster.filter(creator=creator).exists()
        entry = services.roster_entry_add(campaign=campaign, creator=creator, user=request.user)
        return Response(
            self.get_serializer(entry).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class RosterEntryDetail(generics.RetrieveUpdateDestroyAPIView):
    """One roster entry; PATCH the agreed fee or notes; DELETE takes the creator off the roster
    (409 when results are recorded for it: move it to declined instead)."""

    serializer_class = RosterEntrySerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return scoped_object(RosterEntry, self.request, pk=self.kwargs["pk"])

    @extend_schema(request=RosterEntryUpdateSerializer, responses=RosterEntrySerializer)
    def patch(self, request, *args, **kwargs):
        entry = self.get_object()
        serializer = RosterEntryUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = services.roster_entry_update(
            entry=entry, user=request.user, **serializer.validated_data
        )
        return Response(RosterEntrySerializer(entry).data)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        entry = self.get_object()
        try:
            services.roster_entry_remove(entry=entry, user=request.user)
        except services.RosterEntryHasResults as exc:
            raise Conflict(str(exc)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class RosterEntryMove(APIView):
    """Move an entry to another stage; the move is recorded as a StageChange."""

    @extend_schema(request=StageMoveSerializer, responses=RosterEntrySerializer)
    def post(self, request, pk: int):
        entry = scoped_object(RosterEntry, request, pk=pk)
        serializer = StageMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.roster_entry_move(
            entry=entry, stage=serializer.validated_data["stage"], user=request.user
        )
        return Response(RosterEntrySerializer(entry).data)


class MatchSerializer(serializers.Serializer):
    rank = serializers.IntegerField(
        allow_null=True, help_text="1 = best; null for a match computed on demand (not stored)."
    )
    creator = serializers.IntegerField(source="creator_id")
    handle = serializers.CharField(source="creator.handle")
    platform = serializers.CharField(source="creator.platform")
    followers = serializers.IntegerField(source="creator.followers")
    total = serializers.FloatField()
    audience_fit = serializers.FloatField()
    niche_fit = serializers.FloatField()
    engagement = serializers.FloatField()
    authenticity = serializers.FloatField()
    cost_efficiency = serializers.FloatField()
    track_record = serializers.FloatField()
    audience_reaction = serializers.FloatField(
        allow_null=True,
        help_text="0..1; null: unknown (under 10 comments with text), its weight shared over "
        "the other components.",
    )
    organic_affinity = serializers.FloatField(
        help_text="0..1: unpaid mentions of the brand, a competitor or the niche, halving per year."
    )
    target_reach = serializers.FloatField(allow_null=True)
    excluded = serializers.BooleanField()
    computed_at = serializers.DateTimeField()
    followers_display = Display("count", "creator.followers")
    total_display = Display("score", "total")
    target_reach_display = Display("count", "target_reach")


class ComponentSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    weight = serializers.FloatField(allow_null=True)
    contribution = serializers.FloatField(allow_null=True)
    inputs = serializers.DictField()
    estimated = serializers.BooleanField()
    definition = serializers.CharField()


class MatchDetailSerializer(MatchSerializer):
    components = serializers.DictField(
        child=ComponentSerializer(),
        source="breakdown",
        help_text="Per component: value (0..1), weight share, contribution (value x weight), "
        "the inputs it was computed from, whether it is estimated, and its definition; "
        "total = sum of contributions x audience_gate x niche_gate.",
    )
    audience_gate = serializers.FloatField(
        help_text="0..1: min(1, sqrt(per-dimension audience fit / 0.5)); 0 without target "
        "audience, 1 when the campaign targets no audience."
    )
    niche_gate = serializers.FloatField(
        help_text="1 with a niche category or brand keyword match (or none set), else 0.1."
    )
    stored = serializers.SerializerMethodField(
        help_text="False: the creator ranked outside the stored best N and this match was "
        "computed on demand (rank null)."
    )

    def get_stored(self, match) -> bool:
        return match.pk is not None


class MatchDetail(generics.RetrieveAPIView):
    """One creator's match for the campaign with every component explained (the page's "why")."""

    serializer_class = MatchDetailSerializer

    def get_object(self):

        campaign = _campaign(self.request, self.kwargs["pk"])
        return stored_or_on_demand_match(campaign=campaign, creator_id=self.kwargs["creator_id"])


class MatchFilterSerializer(serializers.Serializer):
    min_total = serializers.FloatField(required=False, min_value=0, max_value=100)
    min_audience_fit = serializers.FloatField(required=False, min_value=0, max_value=100)
    country = serializers.CharField(required=False, max_length=2)
    hide_excluded = serializers.BooleanField(required=False, default=False)
    hide_rostered = serializers.BooleanField(required=False, default=False)


class StoredMatchesPagination(CountedPagination):
    """CountedPagination plus what the pages are drawn from: `stored` (the matches the last
    completed run stored, its best N) and `candidates_total` (the candidates it scored)."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data.update(self.stored_counts)
        return response

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        out["properties"].update(
            {
                "stored": {
                    "type": "integer",
                    "nullable": True,
                    "description": "Matches stored by the last completed run (its best N): "
                    "the pages go over these only.",
                },
                "candidates_total": {
                    "type": "integer",
                    "nullable": True,
                    "description": "Candidates the last completed run scored.",
                },
            }
        )
        return out


class MatchList(generics.ListAPIView):
    """The campaign's ranked matches from its last completed run, with every score component
    (0..1); filters as on the campaign page (min_total/min_audience_fit in percent). Only the
    best N candidates are stored: `stored` and `candidates_total` say how many of how many."""

    serializer_class = MatchSerializer
    filter_backends: list = []
    pagination_class = StoredMatchesPagination

    @extend_schema(parameters=[MatchFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        run = getattr(self, "_run", None)
        self.paginator.stored_counts = {
            "stored": run.matches_stored if run else None,
            "candidates_total": run.candidates_total if run else None,
        }
        return super().paginate_queryset(queryset)

    def get_queryset(self):

        if getattr(self, "swagger_fake_view", False):
            return MatchScore.objects.none()
        campaign = _campaign(self.request, self.kwargs["pk"])
        filters = MatchFilterSerializer(data=query_data(self.request, MatchFilterSerializer))
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        if data.get("country"):
            data["country"] = data["country"].upper()
        self._run = latest_run(ScoreRun.Kind.CAMPAIGN_MATCHES, campaign)
        return campaign_matches_page(campaign=campaign, filters=data)
