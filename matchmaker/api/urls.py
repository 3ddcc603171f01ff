"""API routes: each app contributes its own under /api/v1/; schema and docs under /api/."""

from django.urls import include, path
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView

v1 = [
    path("", include("creators.api.urls")),
    path("", include("campaigns.api.urls")),
    path("", include("scoring.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from the sidecar's static files with our own init script: the stock view
    # uses an inline script, which the strict CSP refuses.
    path(
        "docs/",
        ensure_csrf_cookie(TemplateView.as_view(template_name="account/api_docs.html")),
        name="api-docs",
    ),
]
