"""URLs of the creators pages."""

from django.urls import path

from creators import import_views, views

app_name = "creators"

urlpatterns: list = [
    path("", views.discovery, name="discovery"),
    path("export.csv", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/shortlist/", views.shortlist, name="shortlist"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/<int:pk>/", import_views.detail, name="import_detail"),
    path("imports/<int:pk>/preview/", import_views.preview, name="import_preview"),
    path("imports/<int:pk>/rejected.csv", import_views.errors_csv, name="import_errors"),
]
