"""Forms of the campaign pages: campaign details and targeting, match filters, roster edits."""

from decimal import Decimal

from django import forms

from campaigns.models import Brand, Campaign
from creators.models import Platform
from matchmaker.lib.widgets import IsoDateInput


def _split_list(value: str) -> list[str]:
    """'DE, fr ,DE' -> ['DE', 'fr']: comma- or newline-separated, trimmed, de-duplicated."""
    seen: list[str] = []
    for part in (value or "").replace("\n", ",").split(","):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


class ListField(forms.CharField):
    """A JSON list edited as comma-separated text."""

    def __init__(self, *, upper: bool = False, **kwargs):
        self.upper = upper
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Comma-separated.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        items = _split_list(super().to_python(value))
        return [i.upper() for i in items] if self.upper else items


class CampaignForm(forms.ModelForm):
    """A campaign's details and targeting; empty targeting on create is copied from the brand."""

    brand = forms.ModelChoiceField(queryset=Brand.objects.none())
    platforms = forms.MultipleChoiceField(
        choices=Platform.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked means every platform.",
    )
    target_countries = ListField(label="Countries", upper=True, help_text="ISO codes, e.g. DE, FR.")
    target_age_buckets = ListField(label="Age buckets", help_text="e.g. 18-24, 25-34.")
    target_genders = ListField(label="Genders", help_text="e.g. female, male.")
    target_languages = ListField(label="Languages", help_text="ISO codes, e.g. en, de.")
    target_interests = ListField(label="Interests")
    keywords = ListField(label="Keywords")
    excluded_keywords = ListField(label="Excluded keywords", help_text="Brand-safety exclusions.")

    class Meta:
        model = Campaign
        fields = [
            "brand",
            "name",
            "objective",
            "status",
            "budget",
            "currency",
            "starts_on",
            "ends_on",
            "platforms",
            "min_followers",
            "max_followers",
            "target_countries",
            "target_age_buckets",
            "target_genders",
            "target_languages",
            "target_interests",
            "keywords",
            "excluded_keywords",
        ]
        widgets = {
            "starts_on": IsoDateInput(),
            "ends_on": IsoDateInput(),
        }

    def __init__(self, *args, brands=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = brands if brands is not None else Brand.objects.none()
        if self.instance.pk:
            # A campaign stays with its brand.
            del self.fields["brand"]

    def clean(self):
        # The follower range is checked by the model's constraint (its message shows here).
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The campaign cannot end before it starts.")
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("brand", None)
        return data


class MatchFilterForm(forms.Form):
    """Filters on top of the ranking."""

    min_total = forms.IntegerField(
        label="Min score", required=False, min_value=0, max_value=100, help_text="0-100."
    )
    min_audience_fit = forms.IntegerField(
        label="Min audience fit", required=False, min_value=0, max_value=100, help_text="0-100."
    )
    country = forms.CharField(label="Country", required=False, max_length=2)
    hide_excluded = forms.BooleanField(label="Hide brand-safety hits", required=False)
    hide_rostered = forms.BooleanField(label="Hide already on roster", required=False)

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()


class RosterEntryForm(forms.Form):
    """Fee, notes and owner of a roster entry (inline on the board)."""

    agreed_fee = forms.DecimalField(
        label="Agreed fee", required=False, min_value=Decimal("0"), decimal_places=2
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label="Owner", queryset=None, required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
