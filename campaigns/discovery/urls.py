"""Discovery's page routes; matchmaker/urls.py mounts them under /creators/ in the "creators"
namespace with the catalogue's own (creators/urls.py), so their URLs and names stay."""

from django.urls import path

from campaigns.discovery import views

urlpatterns: list = [
    path("", views.discovery, name="discovery"),
    path("export.csv", views.export, name="export"),
    path("export-selected.csv", views.export_selected, name="export_selected"),
    path("shortlist/", views.shortlist_selected, name="shortlist_selected"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/shortlist/", views.shortlist, name="shortlist"),
]
