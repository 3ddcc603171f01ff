"""Permissions. Tenancy itself is the scoped queryset (`for_user`); these add roles and the
rights a token carries: reads for any member, writes only where `for_user(user, write=True)`
finds the object and the token is not read-only, staff endpoints only for staff, and through
a token only when it was given the staff scope."""

from rest_framework import permissions

from tenancy.models import ApiToken

READ_ONLY_MESSAGE = (
    "This API token is read-only: it can read but not change anything. "
    "Create a read-write token on the API tokens page to write."
)


def _token(request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class TokenScope(permissions.BasePermission):
    """A read-only token may only read (GET, HEAD, OPTIONS). The default for every view."""

    message = READ_ONLY_MESSAGE

    def has_permission(self, request, view):
        token = _token(request)
        return token is None or not token.read_only or request.method in permissions.SAFE_METHODS


class IsStaff(TokenScope):
    """Staff only; through a token, only one created with the staff scope. Replaces the default
    permissions, so it checks the token's read-only scope too."""

    message = "Only staff manage the creator catalogue and imports."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            self.message = READ_ONLY_MESSAGE
            return False
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        token = _token(request)
        if token is not None and not token.staff:
            self.message = (
                "This API token does not carry staff rights: create one with the staff scope "
                "on the API tokens page to manage the catalogue and imports."
            )
            return False
        return True
