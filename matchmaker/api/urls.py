"""API routes: each app contributes its own under /api/v1/; schema and docs under /api/.

The schema and its docs page need a signed-in user or an API token, like every endpoint: the
schema lists every route and field of the product, which is no business of anonymous visitors."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from matchmaker.api.not_found import ApiNotFound

v1 = [
    path("", include("creators.api.urls")),
    path("", include("campaigns.api.urls")),
    path("", include("scoring.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    # Token or session (DRF's default authentication); anonymous requests get 401.
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
        name="api-schema",
    ),
    # Swagger UI from the sidecar's static files with our own init script: the stock view
    # uses an inline script, which the strict CSP refuses. It fetches the schema with the
    # browser's session; anonymous visitors are sent to the login page.
    path(
        "docs/",
        login_required(
            ensure_csrf_cookie(TemplateView.as_view(template_name="account/api_docs.html"))
        ),
        name="api-docs",
    ),
    # Last: every other /api/ URL is the API's JSON 404 (after authentication).
    re_path(r"^(?P<rest>[\s\S]*)$", ApiNotFound.as_view(), name="api-not-found"),
]
