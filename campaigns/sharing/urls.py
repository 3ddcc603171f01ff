"""Client report routes. `urlpatterns` (the results page's forms and the internal PDF) are
included into the campaigns namespace; `public_urlpatterns` (no login) into the root URLconf."""

from django.urls import path

from campaigns.sharing import views

urlpatterns = [
    path("<int:pk>/results/report.pdf", views.results_report_pdf, name="results_report_pdf"),
    path("<int:pk>/results/share-links/", views.share_link_create, name="share_link_create"),
    path(
        "<int:pk>/results/share-links/<int:link_id>/revoke/",
        views.share_link_revoke,
        name="share_link_revoke",
    ),
    path("<int:pk>/results/client-fee/", views.client_fee_update, name="client_fee_update"),
]

public_urlpatterns = [
    path("share/<str:token>/", views.share_report, name="share_report"),
    path("share/<str:token>/report.pdf", views.share_report_pdf, name="share_report_pdf"),
]
