"""Query parameters read strictly, so a bad value is a 400 naming the parameter, never ignored.

DRF and Django forms take an empty value (`?min_total=`) as "not given" and a repeated one
(`?page=1&page=2`) as its last value; an API that documents `min_total` as a number must refuse
both, as it refuses `?min_total=abc`. These helpers hand serializers and forms the parameters
as given: one value per parameter (list parameters every value), empty values kept.
"""

import re

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

_INTEGER = re.compile(r"[+-]?[0-9]+")


def single(request, name: str) -> str | None:
    """The parameter's value, None when absent; given more than once it is a 400."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise ValidationError({name: [f"Give {name} once, not {len(values)} times."]})
    return values[0]


def integer(request, name: str, *, minimum: int | None = None, maximum: int | None = None):
    """The parameter as a whole number within [minimum, maximum]; None when absent."""
    raw = single(request, name)
    if raw is None:
        return None
    if not _INTEGER.fullmatch(raw):
        raise ValidationError({name: [f"Give a whole number, not {raw[:40]!r}."]})
    value = int(raw)
    if minimum is not None and value < minimum:
        raise ValidationError({name: [f"Must be at least {minimum}."]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [f"Must be at most {maximum}."]})
    return value


def query_data(request, serializer: type[serializers.Serializer], *, skip=()) -> dict:
    """The query parameters `serializer` declares, as a plain dict: a list field gets every
    value, any other field its one value. A plain dict (not the QueryDict) makes DRF validate
    an empty value instead of dropping it."""
    data = {}
    for name, field in serializer().fields.items():
        if name in skip or name not in request.query_params:
            continue
        if isinstance(field, serializers.ListField):
            data[name] = request.query_params.getlist(name)
        else:
            data[name] = single(request, name)
    return data


def reject_empty(request, names) -> None:
    """Empty values of these (typed: number, id, boolean) parameters are a 400."""
    for name in names:
        if single(request, name) == "":
            raise ValidationError({name: ["Give a value or leave the parameter out."]})
