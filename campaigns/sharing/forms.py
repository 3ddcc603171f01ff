"""The share-link form of the results page, and the client fee's."""

from django import forms

from campaigns.sharing import services


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(
        label="Expires in (days)",
        min_value=1,
        max_value=services.MAX_DAYS,
        initial=services.DEFAULT_DAYS,
        help_text=f"1 to {services.MAX_DAYS} days.",
    )
    show_fees = forms.BooleanField(
        label="Show fees",
        required=False,
        help_text="Creator fees, spend and costs per result (never the client fee or the margin).",
    )


class ClientFeeForm(forms.Form):
    client_fee = forms.DecimalField(
        label="Client fee",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="What the client pays for the campaign; empty: not recorded.",
    )
