"""Permissions. Tenancy itself is the scoped queryset (`for_user`); these add roles:
reads for any member, writes only where `for_user(user, write=True)` finds the object."""

from rest_framework import permissions


class IsStaff(permissions.BasePermission):
    message = "Only staff manage the creator catalogue and imports."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)
