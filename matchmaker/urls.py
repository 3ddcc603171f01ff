"""Top-level URLs: pages per app, accounts, admin, API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from matchmaker import health, views
from matchmaker.api import account

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/tokens/", account.tokens, name="account"),
    path("accounts/tokens/<int:pk>/revoke/", account.token_revoke, name="account_token_revoke"),
    path("admin/", admin.site.urls),
    path("creators/", include("creators.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("scoring/", include("scoring.urls")),
    path("api/", include("matchmaker.api.urls")),
]
