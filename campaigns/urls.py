"""URLs of the campaigns pages."""

from django.urls import include, path

from campaigns import views

app_name = "campaigns"

urlpatterns: list = [
    path("", views.campaign_list, name="list"),
    path("", include("campaigns.outcomes.urls")),
    path("", include("campaigns.sharing.urls")),
    path("new/", views.campaign_create, name="create"),
    path("utm-preview/", views.utm_preview, name="utm_preview"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/matches/<int:creator_id>/", views.match_why, name="match_why"),
    path("<int:pk>/matches/<int:creator_id>/shortlist/", views.shortlist, name="shortlist_match"),
    path("<int:pk>/recompute/", views.recompute, name="recompute"),
    path("<int:pk>/recompute/status/", views.run_status, name="run_status"),
    path("<int:pk>/roster/", views.roster, name="roster"),
    path("<int:pk>/roster/<int:entry_id>/move/", views.roster_move, name="roster_move"),
    path("<int:pk>/roster/<int:entry_id>/update/", views.roster_update, name="roster_update"),
    path("<int:pk>/roster/move/", views.roster_bulk_move, name="roster_bulk_move"),
]
