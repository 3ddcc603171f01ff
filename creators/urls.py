"""URLs of the creators pages."""

from django.urls import path

from creators import views

app_name = "creators"

urlpatterns: list = [
    path("", views.discovery, name="discovery"),
    path("export.csv", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/shortlist/", views.shortlist, name="shortlist"),
]
