"""Campaign, roster and match routes under /api/v1/."""

from django.urls import path

from campaigns.api import conversions, outcomes, sharing, views
from campaigns.discovery import api as discovery

urlpatterns = [
    path("creators/", discovery.CreatorList.as_view(), name="api-creator-list"),
    path("campaigns/", views.CampaignList.as_view(), name="api-campaign-list"),
    path("campaigns/<int:pk>/", views.CampaignDetail.as_view(), name="api-campaign-detail"),
    path("campaigns/<int:pk>/matches/", views.MatchList.as_view(), name="api-campaign-matches"),
    path(
        "campaigns/<int:pk>/matches/<int:creator_id>/",
        views.MatchDetail.as_view(),
        name="api-campaign-match-detail",
    ),
    path("campaigns/<int:pk>/roster/", views.RosterEntryList.as_view(), name="api-roster-list"),
    path("roster/<int:pk>/", views.RosterEntryDetail.as_view(), name="api-roster-detail"),
    path("roster/<int:pk>/move/", views.RosterEntryMove.as_view(), name="api-roster-move"),
    path(
        "roster/<int:pk>/deliverables/",
        outcomes.DeliverableList.as_view(),
        name="api-deliverable-list",
    ),
    path(
        "deliverables/<int:pk>/",
        outcomes.DeliverableDetail.as_view(),
        name="api-deliverable-detail",
    ),
    path(
        "deliverables/<int:pk>/link/",
        outcomes.DeliverableLink.as_view(),
        name="api-deliverable-link",
    ),
    path(
        "deliverables/<int:pk>/outcomes/", outcomes.OutcomeList.as_view(), name="api-outcome-list"
    ),
    path(
        "campaigns/<int:pk>/results/",
        outcomes.CampaignResults.as_view(),
        name="api-campaign-results",
    ),
    path("outcomes/bulk/", outcomes.OutcomeBulkCreate.as_view(), name="api-outcome-bulk"),
    path(
        "campaigns/<int:pk>/share-links/",
        sharing.ShareLinkList.as_view(),
        name="api-share-link-list",
    ),
    path(
        "share-links/<int:pk>/revoke/",
        sharing.ShareLinkRevoke.as_view(),
        name="api-share-link-revoke",
    ),
    path("conversions/", conversions.Conversions.as_view(), name="api-conversion-list"),
    path(
        "conversions/<int:pk>/",
        conversions.ConversionDetail.as_view(),
        name="api-conversion-detail",
    ),
    path(
        "campaigns/<int:pk>/postback-secret/",
        conversions.PostbackSecret.as_view(),
        name="api-campaign-postback-secret",
    ),
]
