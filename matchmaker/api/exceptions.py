"""One error body for every API failure: {"error": {"code", "message", "fields"}}."""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "throttled",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def _django_validation_fields(exc: DjangoValidationError) -> tuple[str, dict]:
    if hasattr(exc, "error_dict"):
        fields = {
            name: [str(m) for e in errs for m in e.messages]
            for name, errs in exc.error_dict.items()
        }
        # A model constraint's message is about the whole object: it is the message, as DRF's
        # non_field_errors are in _flatten.
        non_field = fields.pop(NON_FIELD_ERRORS, None)
        return (" ".join(non_field) if non_field else "Some fields are invalid."), fields
    return " ".join(exc.messages), {}


def _flatten(detail) -> tuple[str, dict]:
    """A message and a field->messages dict from DRF's nested detail."""
    if isinstance(detail, dict):
        fields = {}
        for name, value in detail.items():
            if isinstance(value, list | dict):
                fields[name] = value if isinstance(value, dict) else [str(v) for v in value]
            else:
                fields[name] = [str(value)]
        non_field = fields.pop("non_field_errors", None)
        message = " ".join(non_field) if non_field else "Some fields are invalid."
        return message, fields
    if isinstance(detail, list):
        return " ".join(str(d) for d in detail), {}
    return str(detail), {}


def api_exception_handler(exc, context):
    """DRF's handler, then the body rewritten into the one shape; Django's ValidationError
    (raised by services) becomes a 400 with its message."""
    if isinstance(exc, DjangoValidationError):
        message, fields = _django_validation_fields(exc)
        return Response(
            {"error": {"code": "invalid", "message": message, "fields": fields}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        # ObjectDoesNotExist: the object was deleted by a concurrent request after the lookup.
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        message, fields = _flatten(exc.detail)
    else:
        message, fields = _flatten(
            exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        )
    code = CODES.get(response.status_code, "error")
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response
