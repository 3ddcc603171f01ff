"""The account page: list, create and revoke personal API tokens (the new token shown once)."""

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tenancy.models import ApiToken
from tenancy.tokens import api_token_create, api_token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=100, help_text="What it is for, e.g. 'reporting script'."
    )
    access = forms.ChoiceField(
        label="Access",
        choices=[("read", "Read only"), ("write", "Read and write")],
        initial="read",
        required=False,  # left out: the least access, read only
        help_text="Read only: the API refuses every change made with it.",
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires",
        choices=[("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year"), ("", "Never")],
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
    )
    staff = forms.BooleanField(
        label="Staff rights",
        required=False,
        help_text="Lets the token manage the creator catalogue and imports as you. "
        "Leave it off unless the script needs it.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_staff:
            del self.fields["staff"]  # only staff have staff rights to give


def _expiry(days: int | None):
    return timezone.now() + timedelta(days=days) if days else None


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None, user=request.user)
    raw = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, raw = api_token_create(
                user=request.user,
                name=data["name"],
                read_only=data["access"] != "write",
                staff=data.get("staff", False),
                expires_at=_expiry(data["expires_in_days"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = TokenForm(user=request.user)
    context = {
        "form": form,
        "raw_token": raw,
        "now": timezone.now(),
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
    }
    # The page that shows a new token once must never be cached anywhere.
    response = render(request, "account/tokens.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["POST"])
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, user=request.user)
    return redirect("account")
