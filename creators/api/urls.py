"""Creator catalogue routes under /api/v1/."""

from django.urls import path

from creators.api import views

urlpatterns = [
    path("creators/", views.CreatorList.as_view(), name="api-creator-list"),
    path("creators/<int:pk>/", views.CreatorDetail.as_view(), name="api-creator-detail"),
]
