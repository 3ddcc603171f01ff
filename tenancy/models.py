"""Who may see what: organisations, their members and roles, and personal API tokens.

The tables keep the names campaigns' migrations gave them (the models moved here from campaigns
without touching the data; see migrations/0001_initial.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from tenancy.querysets import OrganizationQuerySet

# A logo is embedded in every client report (page and PDF) as it is: small, or refused.
LOGO_MAX_BYTES = 512 * 1024


def validate_logo_size(file) -> None:
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            f"The logo is {file.size // 1024} KB; at most {LOGO_MAX_BYTES // 1024} KB, please."
        )


class Organization(models.Model):
    """An agency or a brand team. Everything below belongs to one and is invisible to others."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Agency"
        BRAND = "brand", "Brand team"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BRAND)
    emv_cpm = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per-platform CPM used for earned media value, e.g. {'instagram': 8.5}.",
    )
    logo = models.ImageField(
        upload_to="logos/",
        blank=True,
        validators=[validate_logo_size],
        help_text="PNG or JPEG, at most 512 KB: shown on the client reports beside the name.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_organization"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in an organisation: owners and editors change things, viewers read."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "campaigns_membership"
        ordering = ["organization", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_user_org_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.organization}"


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the token itself is shown once, at creation.

    A token acts as its user with at most the rights it was given: reading only (`read_only`),
    or reading and writing; a staff user's token carries staff rights (catalogue imports) only
    when it was created with the staff scope. It stops working when it expires, is revoked, or
    its user changes password or is deactivated (both revoke every token of the user)."""

    class RevokedBecause(models.TextChoices):
        USER = "user", "revoked by its owner"
        PASSWORD_CHANGED = "password_changed", "password changed"
        DEACTIVATED = "deactivated", "account deactivated"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. 'reporting script'."
    )
    prefix = models.CharField(
        max_length=12, db_index=True, help_text="First characters, to identify it."
    )
    key_hash = models.CharField(max_length=128, unique=True)
    read_only = models.BooleanField(
        default=False, help_text="Reads only: every write through the API is refused."
    )
    staff = models.BooleanField(
        default=False,
        help_text="Carries its user's staff rights (catalogue imports); chosen explicitly.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(
        max_length=20, choices=RevokedBecause.choices, blank=True, default=""
    )

    class Meta:
        db_table = "campaigns_apitoken"
        verbose_name = "API token"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"
