"""Who may change what: the one can-edit check over the tenancy scope.

Owners and editors of an object's organisation change it; viewers read (querysets.WRITE_ROLES).
Pages show or hide their edit controls with it, and the API answers a viewer's write with 403.
"""

from django.db import models


def can_edit(user, obj: models.Model) -> bool:
    """May `user` change `obj`, an organisation-owned object whose manager has `for_user`?"""
    writable = getattr(obj, "writable", None)  # annotated by CampaignQuerySet.with_writable
    if writable is not None:
        return writable
    return type(obj).objects.for_user(user, write=True).filter(pk=obj.pk).exists()
