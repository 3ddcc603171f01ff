"""URLs of the scoring pages."""

from django.urls import path

from scoring import overlap_views, views

app_name = "scoring"

urlpatterns: list = [
    path("campaigns/<int:pk>/weights/", views.campaign_weights, name="campaign_weights"),
    path(
        "campaigns/<int:pk>/overlap/",
        overlap_views.campaign_overlap_view,
        name="campaign_overlap",
    ),
    path(
        "campaigns/<int:pk>/optimiser/",
        overlap_views.campaign_optimiser_view,
        name="campaign_optimiser",
    ),
    path(
        "campaigns/<int:pk>/optimiser/apply/",
        overlap_views.campaign_optimiser_apply,
        name="campaign_optimiser_apply",
    ),
]
