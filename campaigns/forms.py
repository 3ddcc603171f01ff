"""Forms of the campaign pages: campaign details and targeting, match filters, roster edits."""

from decimal import Decimal

from django import forms

from campaigns import targeting, utm
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


class TagSelect(forms.SelectMultiple):
    """A <select multiple> that static/js/app.js turns into a tag input with autocomplete
    (type a name or a code, pick, remove a tag with its ×); without JavaScript, a list box."""

    def __init__(self, placeholder: str, attrs=None):
        super().__init__(
            attrs={"data-tag-input": "", "data-placeholder": placeholder, **(attrs or {})}
        )


class TagText(forms.TextInput):
    """Free tags typed as comma-separated text; static/js/app.js shows them as tags, with the
    named <datalist> as suggestions."""

    def __init__(self, placeholder: str, suggestions: str = "", attrs=None):
        extra = {"data-tag-input": "free", "data-placeholder": placeholder}
        if suggestions:
            extra["data-suggestions"] = suggestions
        super().__init__(attrs={**extra, **(attrs or {})})


# The targeting picked from known values (campaigns.targeting), and where their choices come from.
PICKED = {
    "target_countries": targeting.country_choices,
    "target_languages": targeting.language_choices,
    "target_age_buckets": targeting.age_choices,
    "target_genders": targeting.gender_choices,
}
# Lists whose order is the stored one: a select submits in option order, which is not a change.
ORDERED_LISTS = (*PICKED, "target_interests", "keywords", "excluded_keywords")


class CampaignForm(forms.ModelForm):
    """A campaign's details and its whole targeting, picked from known values; a new campaign
    starts from its brand's defaults (campaigns.targeting.brand_defaults)."""

    brand = forms.ModelChoiceField(
        queryset=Brand.objects.none(),
        widget=forms.Select(attrs={"data-brand-prefill": ""}),
        help_text="Changing it fills the targeting with this brand's defaults.",
    )
    platforms = forms.MultipleChoiceField(
        choices=Platform.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked means every platform.",
    )
    niches = forms.TypedMultipleChoiceField(
        label="Niches",
        coerce=int,
        required=False,
        widget=TagSelect("Type a niche, e.g. skincare"),
        help_text="The catalogue's categories; creators in them fit best.",
    )
    landing_url = forms.URLField(
        label="Landing URL",
        required=False,
        max_length=400,
        assume_scheme="https",
        help_text="Where the creators' tracked links send people (the brand's page).",
    )
    target_countries = forms.MultipleChoiceField(
        label="Audience countries",
        required=False,
        widget=TagSelect("Type a country name or code"),
    )
    target_languages = forms.MultipleChoiceField(
        label="Audience languages",
        required=False,
        widget=TagSelect("Type a language name or code"),
    )
    target_age_buckets = forms.MultipleChoiceField(
        label="Audience age", required=False, widget=TagSelect("Type an age band, e.g. 18-24")
    )
    target_genders = forms.MultipleChoiceField(
        label="Audience gender", required=False, widget=TagSelect("Type a gender")
    )
    target_interests = ListField(
        label="Audience interests",
        help_text="",
        widget=TagText("Type an interest", suggestions="keyword-suggestions"),
    )
    keywords = ListField(
        label="Brand keywords",
        help_text="Words in creators' posts and hashtags that fit the brand.",
        widget=TagText("Type a keyword, then Enter", suggestions="keyword-suggestions"),
    )
    excluded_keywords = ListField(
        label="Excluded keywords",
        help_text="Brand-safety exclusions: creators using them are flagged.",
        widget=TagText("Type a word to exclude, then Enter"),
    )

    utm_source = forms.CharField(
        label="utm_source",
        required=False,
        max_length=utm.MAX_LENGTH,
        help_text="Default {platform}.",
    )
    utm_medium = forms.CharField(
        label="utm_medium",
        required=False,
        max_length=utm.MAX_LENGTH,
        help_text="Default influencer.",
    )
    utm_campaign = forms.CharField(
        label="utm_campaign",
        required=False,
        max_length=utm.MAX_LENGTH,
        help_text="Default {campaign} (the campaign's name as a slug).",
    )
    utm_content = forms.CharField(
        label="utm_content", required=False, max_length=utm.MAX_LENGTH,
        help_text="Default {handle}; a deliverable's link adds _{deliverable} (reel-12) unless "
        "placed. Empty leaves a parameter off the links.",
    )  # fmt: skip

    # Shown under the form's "Targeting" heading.
    targeting_fields = ("niches", *ORDERED_LISTS)

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
            "niches",
            "target_countries",
            "target_languages",
            "target_age_buckets",
            "target_genders",
            "target_interests",
            "keywords",
            "excluded_keywords",
            "landing_url",
            "promo_code_pattern",
            "attribution_window_days",
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
            self.initial["niches"] = list(self.instance.niches.values_list("pk", flat=True))
        self.fields["niches"].choices = targeting.niche_choices()
        for name, choices in PICKED.items():
            self.fields[name].choices = targeting.with_current(choices(), self.initial.get(name))
        for name, value in utm.current(self.instance.utm_params).items():
            self.initial.setdefault(name, value)
        # Left empty: the campaign keeps its window (a new one gets the model's 30 days).
        self.fields["attribution_window_days"].required = False

    def clean_attribution_window_days(self) -> int:
        value = self.cleaned_data.get("attribution_window_days")
        if value is None:
            return self.instance.attribution_window_days
        return value

    def _in_stored_order(self, name: str) -> list:
        before = list(self.initial.get(name) or [])
        after = self.cleaned_data.get(name) or []
        return [v for v in before if v in after] + [v for v in after if v not in before]

    def _clean_utm(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        unknown = utm.unknown_placeholders(value)
        if unknown:
            raise forms.ValidationError(
                f"{', '.join(unknown)} is not filled in: use {', '.join(utm.PLACEHOLDERS)}."
            )
        return value

    def clean_utm_source(self) -> str:
        return self._clean_utm("utm_source")

    def clean_utm_medium(self) -> str:
        return self._clean_utm("utm_medium")

    def clean_utm_campaign(self) -> str:
        return self._clean_utm("utm_campaign")

    def clean_utm_content(self) -> str:
        return self._clean_utm("utm_content")

    def clean(self):
        # The follower range is checked by the model's constraint (its message shows here).
        data = super().clean()
        for name in ORDERED_LISTS:
            if name in data:
                data[name] = self._in_stored_order(name)
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The campaign cannot end before it starts.")
        return data

    def service_fields(self) -> dict:
        """The campaign's fields; the four UTM texts go back into utm_params, over any other
        parameter the campaign carries (set through the API). A text left at its default is
        stored only when the campaign already stored it: saving an unchanged form changes
        nothing, and the links are the same either way."""
        data = dict(self.cleaned_data)
        data.pop("brand", None)
        edited = {name: data.pop(name) for name in utm.NAMES if name in data}
        params = dict(self.instance.utm_params or {})
        for name, value in edited.items():
            if value != utm.DEFAULT_UTM[name] or name in params:
                params[name] = value
        data["utm_params"] = params
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
