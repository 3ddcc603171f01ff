"""Campaign and roster serializers: shapes and field types only; rules live in the services."""

from rest_framework import serializers

from campaigns.models import Brand, Campaign, RosterEntry, Stage, StageChange
from creators.models import Category, Creator
from matchmaker.api.display import Display
from matchmaker.api.strict import Amount, StrictTypes

TARGETING_LISTS = (
    "platforms", "target_countries", "target_age_buckets", "target_genders",
    "target_languages", "target_interests", "keywords", "excluded_keywords",
)  # fmt: skip


class CampaignSerializer(StrictTypes, serializers.ModelSerializer):
    brand = serializers.PrimaryKeyRelatedField(queryset=Brand.objects.none())
    niches = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), many=True, required=False
    )
    platforms = serializers.ListField(child=serializers.CharField(), required=False)
    target_countries = serializers.ListField(child=serializers.CharField(), required=False)
    target_age_buckets = serializers.ListField(child=serializers.CharField(), required=False)
    target_genders = serializers.ListField(child=serializers.CharField(), required=False)
    target_languages = serializers.ListField(child=serializers.CharField(), required=False)
    target_interests = serializers.ListField(child=serializers.CharField(), required=False)
    keywords = serializers.ListField(child=serializers.CharField(), required=False)
    excluded_keywords = serializers.ListField(child=serializers.CharField(), required=False)
    weights = serializers.DictField(child=serializers.FloatField(), read_only=True)
    budget = Amount(max_digits=14, required=False)
    budget_display = Display("money", "budget", currency="currency")
    client_fee = Amount(
        max_digits=14,
        required=False,
        allow_null=True,
        help_text="What the client pays for the campaign (internal; null: not recorded).",
    )
    starts_on_display = Display("day", "starts_on")
    ends_on_display = Display("day", "ends_on")

    class Meta:
        model = Campaign
        fields = [
            "id", "brand", "name", "objective", "status", "budget", "budget_display", "client_fee",
            "currency", "starts_on", "starts_on_display", "ends_on", "ends_on_display",
            "min_followers", "max_followers", "niches", *TARGETING_LISTS,
            "weights", "attribution_window_days", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        # The database's check constraints, stated where the schema can state them; the two
        # it cannot (max_followers >= min_followers, ends_on >= starts_on) are in the text.
        extra_kwargs = {
            "min_followers": {"min_value": 0},
            "max_followers": {"min_value": 0, "help_text": "At least min_followers."},
            "ends_on": {"help_text": "On or after starts_on when both are given."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and not self.fields["brand"].read_only:
            # Only brands the user may write to can own a new campaign.
            self.fields["brand"].queryset = Brand.objects.for_user(request.user, write=True)


class CampaignUpdateSerializer(CampaignSerializer):
    """A campaign changed in place: its brand stays (so the request has no brand field)."""

    brand = serializers.PrimaryKeyRelatedField(read_only=True)


class StageChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageChange
        fields = ["from_stage", "to_stage", "changed_by", "changed_at"]


class RosterEntrySerializer(StrictTypes, serializers.ModelSerializer):
    creator = serializers.PrimaryKeyRelatedField(queryset=Creator.objects.all())
    stage = serializers.ChoiceField(choices=Stage.choices, read_only=True)
    agreed_fee = Amount(allow_null=True, required=False)
    agreed_fee_display = Display("money", "agreed_fee", currency="campaign.currency")
    stage_changes = StageChangeSerializer(many=True, read_only=True)

    class Meta:
        model = RosterEntry
        fields = [
            "id", "campaign", "creator", "stage", "agreed_fee", "agreed_fee_display", "owner",
            "notes", "prediction", "predicted_at", "created_at", "updated_at", "stage_changes",
        ]  # fmt: skip
        read_only_fields = [
            "campaign", "owner", "prediction", "predicted_at", "created_at", "updated_at",
        ]  # fmt: skip


class RosterEntryUpdateSerializer(StrictTypes, serializers.Serializer):
    agreed_fee = Amount(allow_null=True, required=False)
    notes = serializers.CharField(allow_blank=True, required=False, max_length=10_000)


class StageMoveSerializer(StrictTypes, serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
