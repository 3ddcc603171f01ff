"""Overlap and optimiser routes under /api/v1/."""

from django.urls import path

from scoring.api import views

urlpatterns = [
    path(
        "campaigns/<int:pk>/overlap/", views.CampaignOverlap.as_view(), name="api-campaign-overlap"
    ),
    path(
        "campaigns/<int:pk>/optimiser/",
        views.CampaignOptimiser.as_view(),
        name="api-campaign-optimiser",
    ),
]
