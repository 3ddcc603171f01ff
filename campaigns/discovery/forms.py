"""Discovery's filter form: a GET form, so the filter state lives in the URL."""

from django import forms

from campaigns import targeting
from campaigns.models import Brand, Campaign
from campaigns.selectors import campaign_choices
from creators.models import Category, Platform
from creators.selectors import category_choices, has_keyword

SORTS = {
    "score": "Score",
    "relevance": "Keyword relevance",
    "er": "Engagement rate",
    "followers": "Followers",
    "price": "Price (low first)",
    "authenticity": "Authenticity (unknown last)",
    "growth": "Growth (30 days)",
    "new_audience": "Adds most new audience (choose a campaign)",
}

DEFAULT_MIN_FOLLOWERS = 10_000
DEFAULT_MAX_FOLLOWERS = 100_000


class DiscoveryFilterForm(forms.Form):
    """Catalogue filters. Percent inputs are typed as people think (3 = 3%) and cleaned to
    fractions; an empty follower range defaults to the micro tier (10k-100k)."""

    q = forms.CharField(
        label="Keyword",
        required=False,
        max_length=100,
        help_text="In handle, name, bio or category.",
    )
    platform = forms.ChoiceField(
        label="Platform",
        required=False,
        choices=[("", "Any platform"), *Platform.choices],
    )
    min_followers = forms.IntegerField(label="Followers from", required=False, min_value=0)
    max_followers = forms.IntegerField(label="Followers to", required=False, min_value=0)
    # Pickers by name ("Germany (DE)"); the cleaning still takes a code typed in a URL.
    country = forms.CharField(
        label="Country",
        required=False,
        max_length=2,
        widget=forms.Select(choices=[("", "Any country"), *targeting.country_choices()]),
    )
    language = forms.CharField(
        label="Language",
        required=False,
        max_length=8,
        widget=forms.Select(choices=[("", "Any language"), *targeting.language_choices()]),
    )
    category = forms.ModelChoiceField(
        label="Category",
        required=False,
        queryset=Category.objects.all(),
        empty_label="Any category",
    )
    min_er = forms.FloatField(label="Min ER (%)", required=False, min_value=0, max_value=100)
    min_authenticity = forms.FloatField(
        label="Min authenticity",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Leaves out creators whose authenticity is unknown (too little data).",
    )
    max_price = forms.DecimalField(
        label="Max price", required=False, min_value=0, decimal_places=2, max_digits=12
    )
    audience_country = forms.CharField(
        label="Audience country",
        required=False,
        max_length=2,
        widget=forms.Select(choices=[("", "Any"), *targeting.country_choices()]),
    )
    min_audience_share = forms.FloatField(
        label="Min audience share (%)", required=False, min_value=0, max_value=100
    )
    min_substantive = forms.FloatField(
        label="Min substantive comments (%)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Comments with something to say; leaves out creators without comments.",
    )
    min_reply_share = forms.FloatField(
        label="Replies to comments, at least (%)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Share of comment threads the creator answered; unknown is left out.",
    )
    no_pod = forms.BooleanField(
        label="No engagement-pod signal",
        required=False,
        help_text="Leaves out creators flagged as likely in an engagement pod.",
    )
    mentions_brand = forms.ModelChoiceField(
        label="Already mentions brand",
        required=False,
        queryset=Brand.objects.none(),
        empty_label="Any (no mention filter)",
        help_text="Named in the caption, hashtags or sponsor tags of a post that was not paid.",
    )
    campaign = forms.ModelChoiceField(
        label="Score for campaign",
        required=False,
        queryset=Campaign.objects.none(),
        empty_label="No campaign (catalogue score)",
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(SORTS.items()))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.for_user(user)
        self.fields["campaign"].queryset = campaigns.select_related("brand")
        # Only the user's own organisations' brands: another one's id is an invalid choice.
        brands = Brand.objects.for_user(user)
        self.fields["mentions_brand"].queryset = brands
        self.fields["mentions_brand"].choices = [
            ("", "Any (no mention filter)"),
            *brands.order_by("name", "pk").values_list("pk", "name"),
        ]
        # Choices as plain pairs, read in one query each (categories from the cache): iterating
        # the querysets while rendering costs a cursor each. Validation still looks the chosen
        # value up in the querysets.
        self.fields["category"].choices = [("", "Any category"), *category_choices()]
        rows = campaign_choices(user)
        self.fields["campaign"].choices = [
            ("", "No campaign (catalogue score)"),
            *((pk, f"{name} ({brand})") for pk, name, brand, _ in rows),
        ]
        # The campaigns this user may shortlist to, (id, name, brand), for the page's row controls.
        self.editable_campaigns = [(pk, name, b) for pk, name, b, writable in rows if writable]
        for name in ("min_followers", "max_followers"):
            self.fields[name].widget.attrs["placeholder"] = (
                f"{DEFAULT_MIN_FOLLOWERS:,}"
                if name == "min_followers"
                else f"{DEFAULT_MAX_FOLLOWERS:,}"
            )

    def _clean_code(self, name: str, upper: bool) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value and not value.isalpha():
            raise forms.ValidationError("Use letters only, e.g. DE.")
        return value.upper() if upper else value.lower()

    def clean_country(self) -> str:
        return self._clean_code("country", upper=True)

    def clean_audience_country(self) -> str:
        return self._clean_code("audience_country", upper=True)

    def clean_language(self) -> str:
        return self._clean_code("language", upper=False)

    def clean(self):
        data = super().clean()
        if not self.data.get("min_followers") and data.get("min_followers") is None:
            data["min_followers"] = DEFAULT_MIN_FOLLOWERS
        if not self.data.get("max_followers") and data.get("max_followers") is None:
            data["max_followers"] = DEFAULT_MAX_FOLLOWERS
        low, high = data.get("min_followers"), data.get("max_followers")
        if low is not None and high is not None and low > high:
            self.add_error("max_followers", "Must be at least the 'from' value.")
        if data.get("min_audience_share") is not None and not data.get("audience_country"):
            self.add_error("audience_country", "Choose the country the audience share is for.")
        for name in ("min_er", "min_audience_share", "min_substantive", "min_reply_share"):
            if data.get(name) is not None:
                data[name] = data[name] / 100
        # A keyword search lists the best matches first unless another order is chosen.
        data["sort"] = data.get("sort") or ("relevance" if has_keyword(data.get("q")) else "score")
        if data["sort"] == "new_audience" and not data.get("campaign"):
            self.add_error(
                "sort", "Choose a campaign: new audience is measured against its roster."
            )
        return data
