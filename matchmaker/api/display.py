"""The API's human fields: `<field>_display` strings written by matchmaker.lib.formatting, the
same text the pages show, beside the raw number (which stays for programs).

    fee_display = Display("money", "agreed_fee", currency="campaign.currency")
    er_median_display = Display("rate", "metrics.er_median")

A Display is read-only and reads its value (and a money field's currency) from the object by a
dotted path; a missing value reads as formatting's em dash, like the pages.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matchmaker.lib import formatting

# Every one-value formatter (quantity also takes a noun, so it is no field kind).
KINDS = tuple(kind for kind in formatting.FILTERS if kind != "quantity")


def _dig(obj, path: str):
    """obj.a.b (or obj["a"]["b"]); None when any step is missing."""
    for name in path.split("."):
        if obj is None:
            return None
        obj = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return obj


@extend_schema_field(OpenApiTypes.STR)
class Display(serializers.Field):
    """A read-only human text of another value of the object, by formatting.<kind>."""

    def __init__(self, kind: str, of: str, *, currency: str | None = None, **kwargs):
        if kind not in KINDS:
            raise ValueError(f"unknown display kind {kind!r}")
        if currency is not None and kind != "money":
            raise ValueError("only money has a currency")
        kwargs.update(read_only=True, source="*")
        kwargs.setdefault("help_text", f"{of}, written for people ({kind}).")
        super().__init__(**kwargs)
        self.kind, self.of, self.currency = kind, of, currency

    def to_representation(self, instance) -> str:
        value = _dig(instance, self.of)
        if self.kind == "money":
            currency = _dig(instance, self.currency) if self.currency else None
            return formatting.money(value, currency or formatting.DEFAULT_CURRENCY)
        return getattr(formatting, self.kind)(value)
