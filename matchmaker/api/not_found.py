"""Any /api/ URL that no route matches answers the API's JSON 404, after authentication like
every endpoint: `/api/v1/campaigns/abc/` (the routes take integer ids) used to get Django's HTML
404 page. A URL missing only its trailing slash is told so."""

from django.urls import Resolver404, resolve
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView


def _with_slash(path: str) -> str | None:
    if path.endswith("/"):
        return None
    try:
        match = resolve(path + "/")
    except Resolver404:
        return None
    return None if match.func.view_class is ApiNotFound else path + "/"


class ApiNotFound(APIView):
    schema = None  # not an endpoint: left out of the OpenAPI schema

    def http_method_not_allowed(self, request, *args, **kwargs):
        hint = _with_slash(request.path_info)
        if hint:
            raise NotFound(f"No API endpoint here; API URLs end with a slash: {hint}")
        raise NotFound("No API endpoint here.")
