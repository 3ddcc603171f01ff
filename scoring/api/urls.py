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
    path(
        "campaigns/<int:pk>/weights/", views.CampaignWeights.as_view(), name="api-campaign-weights"
    ),
    path("campaigns/<int:pk>/runs/", views.CampaignRuns.as_view(), name="api-campaign-runs"),
    path(
        "campaigns/<int:pk>/recompute/",
        views.CampaignRecompute.as_view(),
        name="api-campaign-recompute",
    ),
]
