"""Overlap, unique reach and optimiser proposals for a campaign's roster (read-only: computed
by the overlap selectors/services the pages use, for campaigns in the user's organisations)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.models import Campaign
from campaigns.selectors import latest_match_run
from matchmaker.api.query import query_data
from matchmaker.api.scoping import scoped_object
from matchmaker.api.strict import Amount, StrictTypes
from scoring.components import COMPONENTS
from scoring.metrics.optimiser import OptimiserError
from scoring.overlap_selectors import campaign_overlap
from scoring.services.matches import campaign_weights_update
from scoring.services.overlaps import OPTIMISER_TOP_N, optimiser_candidate_ids, roster_optimise
from scoring.tasks import recompute_campaign_matches
from scoring.weights import MAX_WEIGHT


class PairSerializer(serializers.Serializer):
    creator_a = serializers.IntegerField()
    creator_b = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="Share of the smaller audience.")
    error_band = serializers.FloatField(allow_null=True)
    shared_estimate = serializers.FloatField(allow_null=True)
    jaccard = serializers.FloatField(allow_null=True)
    measurable = serializers.BooleanField()


class MemberSerializer(serializers.Serializer):
    creator_id = serializers.IntegerField()
    handle = serializers.CharField()
    followers = serializers.IntegerField()
    known = serializers.BooleanField(help_text="False: no follower sample, counted as disjoint.")
    exclusive = serializers.FloatField(allow_null=True)
    exclusive_share = serializers.FloatField(allow_null=True)


class OverlapSerializer(serializers.Serializer):
    unique_reach = serializers.FloatField(
        help_text="People reached at least once, counting creators without a follower sample "
        "as reaching only new people: the upper end of the range when unknown_ids is not empty."
    )
    unique_reach_lower_bound = serializers.FloatField(
        help_text="The least the roster reaches: the known members' union, or the largest "
        "member without a sample when larger. Equals unique_reach when every member is known."
    )
    sum_followers = serializers.IntegerField()
    known_union = serializers.FloatField()
    unknown_ids = serializers.ListField(child=serializers.IntegerField())
    members = MemberSerializer(many=True)
    pairs = PairSerializer(many=True)
    computed_at = serializers.DateTimeField(allow_null=True)


class CampaignOverlap(APIView):
    """Pairwise audience overlap of the roster, its unique reach and each member's exclusive
    share."""

    @extend_schema(responses=OverlapSerializer)
    def get(self, request, pk: int):
        campaign = scoped_object(Campaign, request, pk=pk)
        data = campaign_overlap(campaign)
        pairs = []
        for i, (creator_a, cells) in enumerate(data.rows):
            for j, cell in enumerate(cells):
                if j <= i:  # upper triangle only: each pair once, no diagonal
                    continue
                pairs.append(
                    {
                        "creator_a": creator_a.pk,
                        "creator_b": data.creators[j].pk,
                        "share": cell.share,
                        "error_band": cell.band,
                        "shared_estimate": cell.shared,
                        "jaccard": cell.jaccard,
                        "measurable": cell.measurable,
                    }
                )
        body = {
            "unique_reach": data.reach.unique_reach,
            "unique_reach_lower_bound": data.reach.lower_bound,
            "sum_followers": data.reach.sum_followers,
            "known_union": data.reach.known_union,
            "unknown_ids": list(data.reach.unknown_ids),
            "members": [
                {
                    "creator_id": creator.pk,
                    "handle": creator.handle,
                    "followers": m.followers,
                    "known": m.known,
                    "exclusive": m.exclusive,
                    "exclusive_share": m.exclusive_share,
                }
                for creator, m in data.contributions
            ],
            "pairs": pairs,
            "computed_at": data.last_run.finished_at if data.last_run else None,
        }
        return Response(OverlapSerializer(body).data)


class OptimiserQuerySerializer(serializers.Serializer):
    """Query of the optimiser. Creator ids must be among the campaign's candidates (its roster and
    top-ranked matches), given in the serializer context as `candidate_ids`."""

    budget = Amount(max_digits=14, required=False)
    must_include = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        default=list,
        max_length=100,
        help_text="Creator ids the proposal must contain (repeat the parameter for several).",
    )
    exclude = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        default=list,
        max_length=500,
        help_text="Creator ids the proposal must leave out (repeat the parameter for several).",
    )

    def _check_candidates(self, ids: list[int]) -> list[int]:
        candidates = self.context["candidate_ids"]
        unknown = [cid for cid in dict.fromkeys(ids) if cid not in candidates]
        if unknown:
            raise serializers.ValidationError(
                f"Not among this campaign's candidates (its roster and ranked matches): "
                f"{', '.join(map(str, unknown))}."
            )
        return list(dict.fromkeys(ids))

    def validate_must_include(self, ids: list[int]) -> list[int]:
        return self._check_candidates(ids)

    def validate_exclude(self, ids: list[int]) -> list[int]:
        return self._check_candidates(ids)

    def validate(self, data: dict) -> dict:
        both = sorted(set(data.get("must_include", ())) & set(data.get("exclude", ())))
        if both:
            raise serializers.ValidationError(
                {"exclude": [f"Both required and excluded: {', '.join(map(str, both))}."]}
            )
        return data


class PickSerializer(serializers.Serializer):
    creator_id = serializers.IntegerField()
    cost = serializers.FloatField()
    value = serializers.FloatField()
    gain = serializers.FloatField()
    cost_estimated = serializers.BooleanField()
    overlap_unknown = serializers.BooleanField()
    must_include = serializers.BooleanField()
    fixed = serializers.BooleanField(
        help_text="Already contracted: kept in every proposal, its fee counted in the budget."
    )


class ProposalSerializer(serializers.Serializer):
    objective = serializers.CharField()
    budget = serializers.FloatField()
    total_cost = serializers.FloatField()
    total_value = serializers.FloatField()
    picks = PickSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())
    current_ids = serializers.ListField(child=serializers.IntegerField())
    current_value = serializers.FloatField()
    current_cost = serializers.FloatField(
        help_text="The whole current roster at its agreed, quoted or estimated fees."
    )
    committed_cost = serializers.FloatField(
        help_text="Fees committed: contracted and later stages (the roster board's figure)."
    )


class CampaignOptimiser(APIView):
    """A roster proposal within the budget (default: the campaign's) from the roster and the
    top matches, maximising unique target reach or engagements net of overlap. `must_include`
    and `exclude` name creators among those candidates; a required creator without any fee, or
    required creators costing more than the budget, is a 400."""

    @extend_schema(parameters=[OptimiserQuerySerializer], responses=ProposalSerializer)
    def get(self, request, pk: int):
        campaign = scoped_object(Campaign, request, pk=pk)
        candidate_ids = set(optimiser_candidate_ids(campaign, OPTIMISER_TOP_N))
        query = OptimiserQuerySerializer(
            data=query_data(request, OptimiserQuerySerializer),
            context={"candidate_ids": candidate_ids},
        )
        query.is_valid(raise_exception=True)
        data = query.validated_data
        try:
            proposal = roster_optimise(
                campaign=campaign,
                budget=data.get("budget"),
                must_include=tuple(data["must_include"]),
                exclude=tuple(data["exclude"]),
                top_n=OPTIMISER_TOP_N,
            )
        except OptimiserError as exc:
            raise ValidationError(str(exc)) from None
        return Response(ProposalSerializer(proposal).data)


def _weights_schema() -> dict:
    """What scoring.weights.validate_weights enforces, as a schema: known components only, each
    between 0 and MAX_WEIGHT, at least one above zero (a missing component weighs 0)."""
    weight = {"type": "number", "minimum": 0, "maximum": MAX_WEIGHT}
    above_zero = {**weight, "exclusiveMinimum": True}
    return {
        "type": "object",
        "description": "Component -> weight (relative: they are divided by their sum); "
        "a missing component weighs 0, at least one weighs more than 0.",
        "properties": dict.fromkeys(COMPONENTS, weight),
        "additionalProperties": False,
        "anyOf": [{"required": [name], "properties": {name: above_zero}} for name in COMPONENTS],
    }


@extend_schema_field(_weights_schema())
class WeightsField(serializers.DictField):
    child = serializers.FloatField()


class WeightsSerializer(StrictTypes, serializers.Serializer):
    weights = WeightsField()


class CampaignWeights(APIView):
    """Replace the campaign's score weights (owners/editors); matches are recomputed after."""

    @extend_schema(request=WeightsSerializer, responses=WeightsSerializer)
    def put(self, request, pk: int):
        campaign = scoped_object(Campaign, request, pk=pk)
        body = WeightsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            campaign = campaign_weights_update(
                campaign=campaign, weights=body.validated_data["weights"], user=request.user
            )
        except ValueError as exc:
            raise ValidationError({"weights": [str(exc)]}) from None
        return Response({"weights": campaign.weights})


class ScoreRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    items_total = serializers.IntegerField(allow_null=True)
    items_done = serializers.IntegerField(allow_null=True)
    candidates_total = serializers.IntegerField(
        allow_null=True, help_text="Campaign matches: the candidates the run scored."
    )
    matches_stored = serializers.IntegerField(
        allow_null=True, help_text="Campaign matches: the best N of them stored."
    )
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class RunStatusSerializer(serializers.Serializer):
    latest = ScoreRunSerializer(allow_null=True)
    last_completed = ScoreRunSerializer(allow_null=True)


class RecomputeSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    runs_url = serializers.CharField(help_text="Poll this for the run's status.")


def _runs_body(campaign) -> dict:

    latest, completed = latest_match_run(campaign)
    return {"latest": latest, "last_completed": completed}


class CampaignRuns(APIView):
    """The campaign's latest match run (any status) and its last completed one: poll after a
    recompute until `latest.status` is succeeded or failed."""

    @extend_schema(responses=RunStatusSerializer)
    def get(self, request, pk: int):
        campaign = scoped_object(Campaign, request, pk=pk)
        return Response(RunStatusSerializer(_runs_body(campaign)).data)


class CampaignRecompute(APIView):
    """Queue a recompute of the campaign's matches (owners/editors); 202 with the task id."""

    @extend_schema(request=None, responses={202: RecomputeSerializer})
    def post(self, request, pk: int):
        campaign = scoped_object(Campaign, request, pk=pk)
        result = recompute_campaign_matches.delay(campaign.pk)
        body = {
            "task_id": str(result.id),
            "runs_url": reverse("api-campaign-runs", args=[campaign.pk]),
        }
        return Response(RecomputeSerializer(body).data, status=202)
