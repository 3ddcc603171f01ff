"""JSON request bodies read with the types the schema documents.

DRF coerces what it can: "5" for an integer, 0 for a string, "yes" for a boolean, 12.5 for a
decimal. The schema promises JSON types (an integer, a string, a decimal as a string), so the
API holds clients to them: a value of another JSON type is a 400 naming the field, before the
field's own validation. Decimals come as strings, e.g. "1500.00": a JSON number is a binary
float that may not hold the cents it was meant to. Only JSON bodies (plain dicts) are checked;
multipart uploads and query parameters arrive as text and are parsed by the fields as usual.
"""

import re
from collections.abc import Mapping

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import relations, serializers

_TEXT = (
    serializers.CharField, serializers.ChoiceField, serializers.DecimalField,
    serializers.DateField, serializers.DateTimeField, serializers.TimeField,
    serializers.DurationField, serializers.UUIDField,
)  # fmt: skip
_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string",
          list: "a list", dict: "an object"}  # fmt: skip


def _json_type(value) -> str:
    if value is None:
        return "null"
    for kind in (bool, int, float, str, list, dict):
        if isinstance(value, kind):
            return _NAMES[kind]
    return type(value).__name__


def _accepted(field) -> tuple[type, ...] | None:
    """The JSON types the field's schema allows; None: any (JSONField, serializers)."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField | relations.PrimaryKeyRelatedField):
        return (int,)
    if isinstance(field, serializers.FloatField):
        return (int, float)
    if isinstance(field, _TEXT):
        return (str,)
    if isinstance(field, serializers.ListField | relations.ManyRelatedField):
        return (list,)
    if isinstance(field, serializers.DictField):
        return (dict,)
    return None


def _item(field):
    if isinstance(field, serializers.ListField | serializers.DictField):
        return field.child
    if isinstance(field, relations.ManyRelatedField):
        return field.child_relation
    return None


def type_problem(field, value) -> str | None:
    """Why `value` is not of a JSON type `field` accepts, or None. Null is left to the field."""
    accepted = _accepted(field)
    if value is None or accepted is None:
        return None
    wrong = isinstance(value, bool) and bool not in accepted
    if wrong or not isinstance(value, accepted):
        wanted = " or ".join(_NAMES[kind] for kind in accepted if kind is not float)
        if accepted == (int, float):
            wanted = "a number"
        return f"Expected {wanted}, got {_json_type(value)}."
    child = _item(field)
    if child is not None:
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            problem = type_problem(child, item)
            if problem:
                return f"Item {key}: {problem[0].lower()}{problem[1:]}"
    return None


# A serializer mixin (no docstring: the schema would take it for each serializer's description).
class StrictTypes:
    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not hasattr(data, "getlist"):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or field.source == "*" or name not in data:
                    continue
                problem = type_problem(field, data[name])
                if problem:
                    errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def amount_pattern(max_digits: int) -> str:
    return rf"^[0-9]{{1,{max_digits - 2}}}(\.[0-9]{{1,2}})?$"


class Amount(serializers.DecimalField):
    """An amount of money: zero or more, at most two decimals, given as digits in a string
    ("1500.00"). The schema states the pattern, and the field holds input to exactly it (DRF's
    decimal would also take " 5", "1e3" or "-0")."""

    def __init__(self, *, max_digits: int = 12, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=2, **kwargs)
        self.pattern = amount_pattern(max_digits)

    def validate_empty_values(self, data):
        # DRF's decimal takes "" as null; an empty amount is not an amount.
        return serializers.Field.validate_empty_values(self, data)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(self.pattern, data):
            raise serializers.ValidationError(
                f'Give an amount as digits with at most two decimals, e.g. "1500.00" '
                f"(at most {self.max_digits - 2} digits before the point)."
            )
        return super().to_internal_value(data)


class AmountSchema(OpenApiSerializerFieldExtension):
    target_class = "matchmaker.api.strict.Amount"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["pattern"] = self.target.pattern
        return schema
