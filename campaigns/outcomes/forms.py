"""Forms of the results page: add a deliverable to a roster entry, record a result reading,
upload a results file."""

from django import forms

from campaigns.models import Deliverable
from campaigns.outcomes.importing import accepted_columns
from campaigns.outcomes.services import READING_FIELDS
from creators.models import Platform
from matchmaker.lib.widgets import IsoDateInput


class DeliverableForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    format = forms.ChoiceField(
        choices=Deliverable.Format.choices, widget=forms.Select(attrs={"aria-label": "format"})
    )
    due_on = forms.DateField(
        label="Due on", required=False, widget=IsoDateInput(attrs={"aria-label": "due on"})
    )
    post_url = forms.URLField(
        label="Post URL",
        required=False,
        max_length=400,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "post URL", "aria-label": "post URL"}),
    )


class OutcomeForm(forms.Form):
    """One reading; blank numbers stay blank (not measured), never zero."""

    deliverable = forms.IntegerField(widget=forms.HiddenInput)
    reach = forms.IntegerField(required=False, min_value=0)
    impressions = forms.IntegerField(required=False, min_value=0)
    views = forms.IntegerField(required=False, min_value=0)
    likes = forms.IntegerField(required=False, min_value=0)
    comments = forms.IntegerField(required=False, min_value=0)
    shares = forms.IntegerField(required=False, min_value=0)
    saves = forms.IntegerField(required=False, min_value=0)
    clicks = forms.IntegerField(required=False, min_value=0)
    conversions = forms.IntegerField(required=False, min_value=0)
    revenue = forms.DecimalField(required=False, min_value=0, decimal_places=2, max_digits=14)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.update({"placeholder": name, "aria-label": name})

    def values(self) -> dict:
        data = self.cleaned_data
        return {k: data.get(k) for k in (*READING_FIELDS, "revenue")}


class OutcomesUploadForm(forms.Form):
    """A results file; its type, size and rows are checked by `outcomes_upload`. The help text
    names exactly the columns the upload's detector accepts (outcomes.importing.FIELDS)."""

    file = forms.FileField(
        label="Results file",
        help_text=(
            "CSV or XLSX, one row per reading. Column headers (any order; case, spaces and "
            f"punctuation ignored): {accepted_columns()}."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    skip_invalid = forms.BooleanField(
        label="Skip invalid rows",
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "skip-invalid-help"}),
        help_text=(
            "Record the good rows and list the rejected ones. Unticked, a file with any bad row "
            "records nothing."
        ),
    )


class EmvCpmForm(forms.Form):
    """One CPM per platform, starting from the organisation's values over the defaults."""

    def __init__(self, *args, current: dict, **kwargs):

        super().__init__(*args, **kwargs)
        for value, label in Platform.choices:
            self.fields[value] = forms.DecimalField(
                label=f"{label} CPM",
                min_value=0,
                max_digits=10,
                decimal_places=2,
                initial=current.get(value),
                required=False,
                help_text="Value of 1,000 impressions; blank uses the default.",
            )


class OrdersUploadForm(OutcomesUploadForm):
    """A shop's orders export (Shopify, WooCommerce): measured conversions of the campaign."""

    file = forms.FileField(
        label="Orders export",
        help_text=(
            "Shopify's orders CSV or WooCommerce's orders export, as they come. Orders are matched "
            "by the roster's promo codes, else the tracked-link click or UTM content in the "
            "landing page; refunds and cancellations reverse them; customer columns are ignored."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
