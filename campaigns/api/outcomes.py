"""Deliverables and outcomes: CRUD per roster entry / deliverable and bulk result entry, all
through campaigns.outcomes.services (which validate the numbers and enqueue feedback)."""

from django.db.models import Sum
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import tracking
from campaigns.models import Campaign, Deliverable, LinkClickDay, Outcome, RosterEntry, TrackedLink
from campaigns.outcomes import selectors, services
from matchmaker.api.scoping import scoped_object
from matchmaker.api.strict import Amount, StrictTypes
from matchmaker.lib.dates import EARLIEST, PLAN_YEARS

# The date windows the services check (matchmaker.lib.dates), stated in the schema.
DATED = f"from {EARLIEST:%Y-%m-%d} to tomorrow (UTC); another date is refused with a 400."
PLANNED = f"from {EARLIEST:%Y-%m-%d} to {PLAN_YEARS} years ahead; another is refused with a 400."


class DeliverableLinkSerializer(serializers.ModelSerializer):
    """A deliverable's tracked link: its clicks count for the deliverable's roster entry too."""

    url = serializers.SerializerMethodField(help_text="The short link, absolute.")
    landing_url = serializers.SerializerMethodField(
        help_text="Where it sends visitors: the campaign's landing URL with the link's UTM "
        "parameters (utm_content names the deliverable); empty without a landing URL."
    )
    utm_content = serializers.SerializerMethodField()
    clicks = serializers.SerializerMethodField(help_text="Distinct visitors per day, summed.")

    class Meta:
        model = TrackedLink
        fields = [
            "id", "code", "url", "status", "entry", "deliverable", "utm_content", "landing_url",
            "clicks", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, link) -> str:
        path = tracking.short_path(link.code)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_landing_url(self, link) -> str:
        return tracking.landing_url(link.entry.campaign, link.entry.creator, link.deliverable)

    def get_utm_content(self, link) -> str:
        values = tracking.utm_values(link.entry.campaign, link.entry.creator, link.deliverable)
        return values.get("utm_content", "")

    def get_clicks(self, link) -> int:
        return LinkClickDay.objects.filter(link=link).aggregate(n=Sum("clicks"))["n"] or 0


class DeliverableSerializer(StrictTypes, serializers.ModelSerializer):
    tracked_link = serializers.SerializerMethodField(
        help_text="The deliverable's own tracked link (POST /deliverables/<id>/link/ creates "
        "it), or null."
    )

    class Meta:
        model = Deliverable
        fields = [
            "id",
            "entry",
            "platform",
            "format",
            "due_on",
            "post_url",
            "posted_at",
            "created_at",
            "tracked_link",
        ]
        read_only_fields = ["entry", "created_at", "tracked_link"]
        extra_kwargs = {
            "platform": {"required": False},
            "post_url": {"help_text": "The live post: an http(s) URL, or empty."},
            "posted_at": {"help_text": f"When the post went live: {DATED}"},
            "due_on": {"help_text": f"The planned day: {PLANNED}"},
        }

    @extend_schema_field(DeliverableLinkSerializer(allow_null=True))
    def get_tracked_link(self, deliverable):
        link = TrackedLink.objects.filter(deliverable=deliverable).select_related(
            "entry__campaign", "entry__creator", "deliverable"
        )
        found = link.first()
        return (
            None if found is None else DeliverableLinkSerializer(found, context=self.context).data
        )


class OwnDeliverableField(serializers.PrimaryKeyRelatedField):
    """A deliverable of the user's organisations: a foreign one reads exactly like a missing one."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:  # schema generation
            return Deliverable.objects.none()
        return Deliverable.objects.for_user(request.user)


OUTCOME_FIELDS = [
    "id", "deliverable", "recorded_at", "reach", "impressions", "views", "likes",
    "comments", "shares", "saves", "clicks", "conversions", "revenue", "promo_code",
    "source", "created_at",
]  # fmt: skip


COUNTS = (
    "reach", "impressions", "views", "likes", "comments", "shares", "saves", "clicks",
    "conversions",
)  # fmt: skip


class OutcomeSerializer(StrictTypes, serializers.ModelSerializer):
    """A reading of a deliverable's results; the deliverable is the one in the URL."""

    revenue = Amount(max_digits=14, allow_null=True, required=False)

    class Meta:
        model = Outcome
        fields = OUTCOME_FIELDS
        read_only_fields = ["deliverable", "source", "created_at"]
        extra_kwargs = {
            "recorded_at": {
                "required": False,
                "help_text": f"When the numbers were read (default: now): {DATED}",
            },
            **{name: {"min_value": 0, "max_value": services.COUNT_LIMIT} for name in COUNTS},
        }


class BulkReadingSerializer(OutcomeSerializer):
    """A reading in a bulk request: it names its deliverable."""

    deliverable = OwnDeliverableField()

    class Meta(OutcomeSerializer.Meta):
        read_only_fields = ["source", "created_at"]


READING_KEYS = (
    "reach", "impressions", "views", "likes", "comments", "shares", "saves", "clicks",
    "conversions", "revenue", "promo_code",
)  # fmt: skip


class BulkOutcomesSerializer(StrictTypes, serializers.Serializer):
    readings = serializers.ListField(child=BulkReadingSerializer(), min_length=1, max_length=1000)


def _values(data: dict) -> dict:
    return {k: data[k] for k in READING_KEYS if k in data}


class DeliverableList(generics.ListCreateAPIView):
    """A roster entry's deliverables; POST plans one (platform defaults to the creator's)."""

    serializer_class = DeliverableSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Deliverable.objects.none()
        entry = scoped_object(RosterEntry, self.request, pk=self.kwargs["pk"])
        return Deliverable.objects.for_user(self.request.user).filter(entry=entry).order_by("id")

    def create(self, request, *args, **kwargs):
        entry = scoped_object(RosterEntry, request, pk=kwargs["pk"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deliverable = services.deliverable_create(
            entry=entry, user=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(deliverable).data, status=status.HTTP_201_CREATED)


class DeliverableDetail(generics.RetrieveUpdateDestroyAPIView):
    """One deliverable: read, change (PATCH/PUT through deliverable_update), delete."""

    serializer_class = DeliverableSerializer

    def get_object(self):
        return scoped_object(Deliverable, self.request, pk=self.kwargs["pk"])

    def perform_update(self, serializer):
        serializer.instance = services.deliverable_update(
            deliverable=serializer.instance, user=self.request.user, **serializer.validated_data
        )


class DeliverableLink(APIView):
    """A deliverable's tracked link: GET reads it (404 when it has none), POST creates it
    (201; 200 with the existing one when it has one already). Its clicks and orders count for
    the deliverable's roster entry; its utm_content names the deliverable."""

    @extend_schema(responses={200: DeliverableLinkSerializer})
    def get(self, request, pk: int):
        deliverable = scoped_object(Deliverable, request, pk=pk)
        link = get_object_or_404(
            TrackedLink.objects.select_related("entry__campaign", "entry__creator", "deliverable"),
            deliverable=deliverable,
        )
        return Response(DeliverableLinkSerializer(link, context={"request": request}).data)

    @extend_schema(
        request=None, responses={200: DeliverableLinkSerializer, 201: DeliverableLinkSerializer}
    )
    def post(self, request, pk: int):
        deliverable = scoped_object(Deliverable, request, pk=pk)
        link, created = tracking.deliverable_link(deliverable)
        link = TrackedLink.objects.select_related(
            "entry__campaign", "entry__creator", "deliverable"
        ).get(pk=link.pk)
        return Response(
            DeliverableLinkSerializer(link, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class OutcomeList(generics.ListCreateAPIView):
    """A deliverable's result readings; POST records one (a later reading supersedes)."""

    serializer_class = OutcomeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Outcome.objects.none()
        deliverable = scoped_object(Deliverable, self.request, pk=self.kwargs["pk"])
        return (
            Outcome.objects.for_user(self.request.user)
            .filter(deliverable=deliverable)
            .order_by("recorded_at", "id")
        )

    def create(self, request, *args, **kwargs):
        deliverable = scoped_object(Deliverable, request, pk=kwargs["pk"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = services.outcome_record(
            deliverable=deliverable,
            user=request.user,
            values=_values(serializer.validated_data),
            recorded_at=serializer.validated_data.get("recorded_at"),
            source=Outcome.Source.API,
        )
        return Response(self.get_serializer(outcome).data, status=status.HTTP_201_CREATED)


class OutcomeBulkCreate(APIView):
    """Record many readings at once, for deliverables you may edit; one invalid reading fails
    the lot and nothing is written."""

    @extend_schema(request=BulkOutcomesSerializer, responses={201: OutcomeSerializer(many=True)})
    def post(self, request):
        body = BulkOutcomesSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        readings = []
        for reading in body.validated_data["readings"]:
            deliverable = scoped_object(Deliverable, request, pk=reading["deliverable"].pk)
            readings.append((deliverable, _values(reading), reading.get("recorded_at")))
        outcomes = services.outcome_bulk_create(readings=readings, user=request.user)
        return Response(OutcomeSerializer(outcomes, many=True).data, status=status.HTTP_201_CREATED)


HELP_BASIS = (
    "Where conversions and revenue (and so CPA and ROAS) come from: measured (the shop's orders) "
    "for a creator with an attributed order, else reported (the results readings); never the "
    "sum of both. The totals' basis is mixed when some creators are measured and others "
    "reported; null without a figure."
)


class ResultsTotalsSerializer(serializers.Serializer):
    spend = serializers.FloatField(
        allow_null=True,
        help_text="Committed fees of the creators listed (contracted and later stages: agreed "
        "fee, else quoted price), the sum of their `cost`.",
    )
    budget = serializers.FloatField()
    reach = serializers.FloatField(allow_null=True, help_text="Sum of the creators' reach.")
    impressions = serializers.FloatField(allow_null=True)
    engagements = serializers.FloatField(allow_null=True)
    conversions = serializers.FloatField(
        allow_null=True, help_text="Sum of the creators' conversions (each measured or reported)."
    )
    revenue = serializers.FloatField(allow_null=True, help_text="Sum of the creators' revenue.")
    basis = serializers.ChoiceField(
        choices=["measured", "reported", "mixed"],
        allow_null=True,
        help_text=HELP_BASIS,
    )
    conversions_measured_part = serializers.FloatField(
        allow_null=True, help_text="The part of `conversions` from measured creators."
    )
    conversions_reported_part = serializers.FloatField(
        allow_null=True, help_text="The part of `conversions` from reported creators."
    )
    revenue_measured_part = serializers.FloatField(allow_null=True)
    revenue_reported_part = serializers.FloatField(allow_null=True)
    cpa = serializers.FloatField(allow_null=True, help_text="spend / conversions")
    roas = serializers.FloatField(allow_null=True, help_text="revenue / spend")
    unique_reach = serializers.FloatField(
        allow_null=True,
        help_text="People reached at least once: each creator's measured reach de-duplicated "
        "with the follower samples; the high end when `unique_reach_exact` is false.",
    )
    unique_reach_lower_bound = serializers.FloatField(allow_null=True)
    unique_reach_exact = serializers.BooleanField(
        help_text="False: creators without follower samples make unique reach a range."
    )
    cost_per_unique = serializers.FloatField(allow_null=True, help_text="spend / unique_reach")
    cost_per_unique_high = serializers.FloatField(
        allow_null=True, help_text="spend / unique_reach_lower_bound"
    )


class CreatorResultSerializer(serializers.Serializer):
    creator_id = serializers.IntegerField()
    handle = serializers.CharField()
    stage = serializers.CharField()
    cost = serializers.FloatField(allow_null=True)
    reach = serializers.FloatField(allow_null=True)
    impressions = serializers.FloatField(allow_null=True)
    engagements = serializers.FloatField(allow_null=True)
    conversions = serializers.FloatField(allow_null=True, help_text="As `basis` says.")
    revenue = serializers.FloatField(allow_null=True, help_text="As `basis` says.")
    basis = serializers.ChoiceField(
        choices=["measured", "reported", "mixed"],
        allow_null=True,
        help_text=HELP_BASIS,
    )
    measured_conversions = serializers.FloatField(
        allow_null=True, help_text="From the shop's orders; null when none was attributed."
    )
    measured_revenue = serializers.FloatField(allow_null=True)
    reported_conversions = serializers.FloatField(
        allow_null=True, help_text="From the results readings, counted only when not measured."
    )
    reported_revenue = serializers.FloatField(allow_null=True)
    cpa = serializers.FloatField(allow_null=True, help_text="cost / conversions")
    roas = serializers.FloatField(allow_null=True, help_text="revenue / cost")


class CampaignResultsSerializer(serializers.Serializer):
    totals = ResultsTotalsSerializer()
    creators = CreatorResultSerializer(many=True)


class CampaignResults(APIView):
    """The campaign's results as its results page shows them: totals (each the sum of the
    creators' figures), unique reach from measured reach, and one row per creator."""

    @extend_schema(responses=CampaignResultsSerializer)
    def get(self, request, pk: int):
        campaign = scoped_object(Campaign, request, pk=pk)
        results = selectors.campaign_results(campaign)
        keys = (
            "reach", "impressions", "engagements", "conversions", "revenue", "basis",
            "measured_conversions", "measured_revenue", "reported_conversions",
            "reported_revenue", "cpa", "roas",
        )  # fmt: skip
        totals = {key: results.totals.get(key) for key in ResultsTotalsSerializer().fields} | {
            "spend": results.spend,
            "budget": results.budget,
        }
        body = {
            "totals": totals,
            "creators": [
                {
                    "creator_id": c.entry.creator_id,
                    "handle": c.entry.creator.handle,
                    "stage": c.entry.stage,
                    "cost": c.metrics["cost"],
                    **{key: c.metrics[key] for key in keys},
                }
                for c in results.creators
            ],
        }
        return Response(CampaignResultsSerializer(body).data)
