"""Creator detail and import-job routes under /api/v1/ (the creator list is discovery's:
campaigns/api/urls.py)."""

from django.urls import path

from creators.api import imports, views

urlpatterns = [
    path("creators/<int:pk>/", views.CreatorDetail.as_view(), name="api-creator-detail"),
    path("imports/", imports.ImportJobList.as_view(), name="api-import-list"),
    path("imports/<int:pk>/", imports.ImportJobDetail.as_view(), name="api-import-detail"),
]
