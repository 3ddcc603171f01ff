"""URLs of the campaigns pages."""

from django.urls import path  # noqa: F401 - routes are added below as pages land

app_name = "campaigns"

urlpatterns: list = []
