"""Top-level URLs: pages per app, accounts, admin, API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from campaigns import redirect
from campaigns.discovery import urls as discovery_urls
from campaigns.sharing.urls import public_urlpatterns as share_urls
from creators import urls as creators_urls
from matchmaker import health, views
from matchmaker.api import account

# /creators/ holds the catalogue's pages and discovery's, which ranks the catalogue for campaigns
# (campaigns/discovery/), under one namespace.
CREATORS_PAGES = ([*discovery_urls.urlpatterns, *creators_urls.urlpatterns], "creators")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
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
    path("creators/", include(CREATORS_PAGES)),
    path("campaigns/", include("campaigns.urls")),
    path("scoring/", include("scoring.urls")),
    path("api/", include("matchmaker.api.urls")),
    path("r/<str:code>", redirect.tracked_redirect, name="tracked_redirect"),
    # Client reports: a share link opens its campaign's report without an account.
    *share_urls,
]

handler404 = "matchmaker.views.not_found"
