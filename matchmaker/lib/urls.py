"""The one rule for a stored link: an absolute http:// or https:// URL (Django's URL syntax check
with those two schemes only). `javascript:`, `data:` and every other scheme are refused where a
URL comes in (imports, forms, the API, the admin: the model fields carry the validator), and a
page renders a link only through the `http_url` template filter, so a value stored before this
rule existed is never a link."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.utils.deconstruct import deconstructible

SCHEMES = ("http", "https")
_CHECK = URLValidator(schemes=list(SCHEMES))
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def is_http_url(value) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        _CHECK(value)
    except ValidationError:
        return False
    return True


@deconstructible
class HttpUrlValidator(RegexValidator):
    """Model and form field validator. A RegexValidator on the scheme, so the OpenAPI schema
    states `pattern: ^https?://` (drf-spectacular reads it; DRF keeps it beside its own URL
    check, which it would drop for a URLValidator), then the full check."""

    regex = r"^[Hh][Tt][Tt][Pp][Ss]?://"
    message = "Enter an http:// or https:// URL."
    code = "invalid_url"

    def __call__(self, value) -> None:
        if not value:
            return
        super().__call__(value)
        if not is_http_url(value):
            raise ValidationError(self.message, code=self.code, params={"value": value})


validate_http_url = HttpUrlValidator()


def with_scheme(text: str) -> str:
    """`text` with https:// in front when it names no scheme ("instagram.com/name"), as a URL
    form field does; a text with another scheme (javascript:, data:) is left as it is."""
    return text if _HAS_SCHEME.match(text) else f"https://{text}"


def stored_urls_repair(model, field: str) -> int:
    """Make every stored `field` of `model` an http(s) URL or empty (data migrations): a value
    without a scheme gets https:// when that makes it a URL that fits; any other is cleared.
    Returns how many rows changed. Only rows not starting with http(s):// are read."""
    max_length = model._meta.get_field(field).max_length
    rows = model.objects.exclude(**{field: ""}).exclude(**{f"{field}__iregex": r"^https?://"})
    changed = []
    for row in rows.only("pk", field).iterator():
        fixed = with_scheme(getattr(row, field).strip())
        setattr(row, field, fixed if is_http_url(fixed) and len(fixed) <= max_length else "")
        changed.append(row)
    model.objects.bulk_update(changed, [field], batch_size=1000)
    return len(changed)
