"""URLs of the catalogue's own pages (imports); matchmaker/urls.py mounts them under /creators/
with discovery's (campaigns/discovery/urls.py) in the "creators" namespace."""

from django.urls import path

from creators import import_views

urlpatterns: list = [
    path("imports/", import_views.imports, name="imports"),
    path("imports/<int:pk>/", import_views.detail, name="import_detail"),
    path("imports/<int:pk>/preview/", import_views.preview, name="import_preview"),
    path("imports/<int:pk>/rejected.csv", import_views.errors_csv, name="import_errors"),
]
