"""API tokens die with the credentials they were issued under: a user's tokens are revoked when
their password changes or their account is deactivated.

Receivers, not a service call, because the user model is django.contrib.auth's and its writes
come from paths this project does not own: the password change and reset views, the admin's
user and password forms, `manage.py changepassword`, `set_password()` + `save()` anywhere. Every
one of them saves the user, so the save is the one place that sees them all. The receivers only
detect the change; revoking is `api_tokens_revoke_all`, in the same transaction as the save.
(`QuerySet.update()` sends no signals; a deactivated user's tokens are refused at
authentication all the same.)
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save

from tenancy.models import ApiToken
from tenancy.tokens import api_tokens_revoke_all

_PENDING = "_api_tokens_revoke_because"


def _note_credential_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    fields = set(update_fields) if update_fields is not None else None
    if fields is not None and not fields & {"password", "is_active"}:
        return  # e.g. the last_login update of every login: nothing to compare, no query
    before = sender._base_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    # Django re-hashes a correct password with a stronger hasher on login (check_password's
    # setter: update_fields=["password"] with no new raw password); the password is the same.
    hash_upgrade = fields == {"password"} and getattr(instance, "_password", None) is None
    if before["is_active"] and not instance.is_active:
        setattr(instance, _PENDING, ApiToken.RevokedBecause.DEACTIVATED)
    elif before["password"] != instance.password and not hash_upgrade:
        setattr(instance, _PENDING, ApiToken.RevokedBecause.PASSWORD_CHANGED)


def _revoke_after_save(sender, instance, raw=False, **kwargs) -> None:
    because = instance.__dict__.pop(_PENDING, None)
    if because and not raw:
        api_tokens_revoke_all(user=instance, because=because)


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_note_credential_change, sender=user_model, dispatch_uid="tokens-note")
    post_save.connect(_revoke_after_save, sender=user_model, dispatch_uid="tokens-revoke")
