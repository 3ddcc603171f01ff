"""Results routes, included into the campaigns namespace (no app_name here)."""

from django.urls import path

from campaigns.outcomes import views

urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("organizations/<int:org_id>/emv/", views.emv_settings, name="emv_settings"),
    path("<int:pk>/results/", views.campaign_results, name="results"),
    path("<int:pk>/results/deliverables/", views.deliverable_add, name="deliverable_add"),
    path(
        "<int:pk>/results/deliverables/<int:deliverable_id>/link/",
        views.deliverable_link_create,
        name="deliverable_link_create",
    ),
    path("<int:pk>/results/outcomes/", views.outcome_add, name="outcome_add"),
    path(
        "<int:pk>/results/postback-secret/",
        views.postback_secret_rotate,
        name="postback_secret_rotate",
    ),
    path("<int:pk>/results/upload/", views.outcomes_upload, name="outcomes_upload"),
    path("<int:pk>/results/uploads/<int:job_id>/", views.results_upload, name="results_upload"),
    path(
        "<int:pk>/results/export.<str:fmt>",
        views.results_export,
        name="results_export",
    ),
]
