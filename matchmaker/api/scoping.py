"""Object lookup for organisation-owned data through the one tenancy scope (`for_user`).

Outside the user's organisations an object is a 404; visible but not writable (a viewer) is a
403, since the viewer already knows it exists."""

from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404

from tenancy.permissions import can_edit

SAFE = ("GET", "HEAD", "OPTIONS")


def scoped_object(model, request, **lookup):
    """The object from `model.objects.for_user`, checked against the write scope for writes."""
    obj = get_object_or_404(model.objects.for_user(request.user), **lookup)
    if request.method not in SAFE and not can_edit(request.user, obj):
        raise PermissionDenied("Your role in this organisation is read-only.")
    return obj
