"""Measured conversions: the shop's signed server-to-server postback, the organisation's list and
detail, and the campaign's postback secret (read and rotated by owners and editors)."""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from campaigns.api.filters import ConversionFilter
from campaigns.conversions import attribution, services, signing
from campaigns.models import Campaign, Conversion
from matchmaker.api.display import Display
from matchmaker.api.exceptions import Conflict
from matchmaker.api.permissions import TokenScope
from matchmaker.api.scoping import scoped_object
from tenancy.authentication import ApiTokenAuthentication

TIMESTAMP_HEADER = signing.TIMESTAMP_HEADER
SIGNATURE_HEADER = signing.SIGNATURE_HEADER
AMOUNT_LIMIT = Decimal("999999999999.99")


class BadSignature(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "The postback's signature or timestamp is not valid."
    default_code = "not_authenticated"


class Unprocessable(exceptions.ValidationError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


class PostbackThrottle(SimpleRateThrottle):
    """Per client address, at REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["postback"]."""

    scope = "postback"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PostbackSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(help_text="The campaign's id (its secret signs this).")
    order_id = serializers.CharField(max_length=100, help_text="The shop's order id.")
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        max_value=AMOUNT_LIMIT,
        min_value=-AMOUNT_LIMIT,
        help_text="The order's total; negative: a refund of that much of an order sent before.",
    )
    currency = serializers.CharField(min_length=3, max_length=3)
    occurred_at = serializers.DateTimeField(required=False, help_text="Default: now.")
    click_id = serializers.CharField(
        max_length=400,
        required=False,
        allow_blank=True,
        help_text="The mm_click value(s) the visitor brought; several separated by spaces.",
    )
    promo_code = serializers.CharField(max_length=200, required=False, allow_blank=True)
    utm_content = serializers.CharField(max_length=200, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=attribution.STATUSES, required=False)
    refunded_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, max_value=AMOUNT_LIMIT, required=False
    )

    def validate(self, data):
        refund = data["amount"] < 0 or data.get("status") in ("refunded", "cancelled")
        if not refund and not (data.get("click_id") or data.get("promo_code")):
            raise serializers.ValidationError("Give a click_id or a promo_code for the order.")
        return data


class ConversionSerializer(serializers.ModelSerializer):
    amount_display = Display("money", "amount", currency="currency")
    refunded_amount_display = Display("money", "refunded_amount", currency="currency")
    counted = serializers.SerializerMethodField()

    class Meta:
        model = Conversion
        fields = [
            "id", "campaign", "entry", "order_id", "amount", "amount_display",
            "refunded_amount", "refunded_amount_display", "currency", "occurred_at", "source",
            "attributed_by", "click_id", "promo_code", "utm_content", "status", "counted",
            "created_at", "updated_at",
        ]  # fmt: skip

    def get_counted(self, obj) -> bool:
        return obj.status in attribution.COUNTED_STATUSES


def _body(request) -> dict:
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise exceptions.ParseError("The body is not JSON.") from None
    if not isinstance(data, dict):
        raise exceptions.ParseError("The body must be a JSON object.")
    return data


class Conversions(generics.ListAPIView):
    """GET: the measured conversions of the user's organisations' campaigns (filter by campaign,
    entry, status, attributed_by, source), with a token or a session like every endpoint.

    POST: a shop's server reports an order (no login: the request is signed).

    Headers: `X-Matchmaker-Timestamp`: the unix time in seconds; `X-Matchmaker-Signature`:
    the hex HMAC-SHA256, keyed with the campaign's postback secret, of the timestamp, a dot and
    the raw body (`sha256=` in front is allowed). The timestamp must be within 5 minutes of ours
    and each signature is accepted once. Body (JSON): campaign, order_id, amount, currency,
    occurred_at, click_id or promo_code (utm_content, status, refunded_amount optional).

    201: a new order; 200: an order already known, updated or unchanged (idempotent by
    order_id; a negative amount or a refunded/cancelled status reverses it). 400: not JSON or no
    campaign; 401: a bad signature, an unknown campaign, or an old timestamp; 409: a replay;
    422: the order's fields (the currency must be the campaign's)."""

    serializer_class = ConversionSerializer
    filterset_class = ConversionFilter

    def initialize_request(self, request, *args, **kwargs):
        self.postback = request.method == "POST"  # before the authenticators are chosen
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        # The postback is signed, not logged in; a token sent along is still read, so that a
        # read-only one is refused here as on every other write.
        if getattr(self, "postback", False):
            return [ApiTokenAuthentication()]
        return super().get_authenticators()

    def get_permissions(self):
        if getattr(self, "postback", False):
            return [TokenScope()]
        return super().get_permissions()

    def get_throttles(self):
        if getattr(self, "postback", False):
            return [PostbackThrottle()]
        return super().get_throttles()

    def get_queryset(self):
        return Conversion.objects.for_user(self.request.user).order_by("-occurred_at", "-id")

    @extend_schema(
        request=PostbackSerializer,
        responses={
            200: ConversionSerializer,
            201: ConversionSerializer,
            422: OpenApiResponse(
                description="The order's fields are invalid (the currency must be the campaign's)."
            ),
        },
        parameters=[
            OpenApiParameter(TIMESTAMP_HEADER, str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True),
        ],
    )
    def post(self, request):
        raw = request.body
        data = _body(request)
        campaign_id = data.get("campaign")
        if not isinstance(campaign_id, int) or isinstance(campaign_id, bool):
            raise exceptions.ParseError("Give the campaign's id as a number in `campaign`.")
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        given = request.headers.get(SIGNATURE_HEADER, "")
        sent = signing.timestamp_time(timestamp)
        now = timezone.now()
        if sent is None or not signing.is_fresh(sent, now):
            raise BadSignature(f"{TIMESTAMP_HEADER} must be the unix time within 5 minutes.")
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None or not signing.signature_matches(
            campaign.postback_secret, timestamp, raw, given
        ):
            raise BadSignature("The signature does not match the campaign's postback secret.")
        signature = signing.sign(campaign.postback_secret, timestamp, raw)
        if not services.nonce_store(signature, expires_at=sent + signing.WINDOW):
            raise Conflict("This signed request was already received (a replay).")
        serializer = PostbackSerializer(data=data)
        if not serializer.is_valid():
            raise Unprocessable(serializer.errors)
        order = dict(serializer.validated_data)
        order["currency"] = order["currency"].upper()
        if order["currency"] != campaign.currency:
            raise Unprocessable(
                {"currency": [f"{order['currency']} is not the campaign's currency "
                              f"({campaign.currency}); convert the amount first."]}
            )  # fmt: skip
        order.setdefault("occurred_at", now)
        recorded = services.record_conversions(
            campaign=campaign, orders=[order], source=Conversion.Source.POSTBACK
        )
        conversion = recorded.conversions[0]
        return Response(
            ConversionSerializer(conversion).data,
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )


class ConversionDetail(generics.RetrieveAPIView):
    """One measured conversion."""

    serializer_class = ConversionSerializer

    def get_object(self):
        return scoped_object(Conversion, self.request, pk=self.kwargs["pk"])


class PostbackSecretSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(source="pk")
    postback_secret = serializers.CharField()
    postback_secret_rotated_at = serializers.DateTimeField(allow_null=True)


class PostbackSecret(APIView):
    """The campaign's postback secret, for owners and editors (viewers: 403); POST draws a new
    one, and the old one stops verifying at once."""

    def _campaign(self, request, pk: int) -> Campaign:
        campaign = scoped_object(Campaign, request, pk=pk)
        if not Campaign.objects.for_user(request.user, write=True).filter(pk=pk).exists():
            raise exceptions.PermissionDenied("Only owners and editors see the postback secret.")
        return campaign

    @extend_schema(request=None, responses=PostbackSecretSerializer)
    def get(self, request, pk: int):
        return Response(PostbackSecretSerializer(self._campaign(request, pk)).data)

    @extend_schema(request=None, responses=PostbackSecretSerializer)
    def post(self, request, pk: int):
        campaign = services.postback_secret_rotate(self._campaign(request, pk))
        return Response(PostbackSecretSerializer(campaign).data)
