"""The campaign weights form: one non-negative number per match-score component."""

from django import forms

from scoring.components import COMPONENTS
from scoring.weights import effective_weights, validate_weights

LABELS = {
    "audience_fit": "Audience fit",
    "niche_fit": "Niche fit",
    "engagement": "Engagement",
    "authenticity": "Authenticity",
    "cost_efficiency": "Cost efficiency",
    "track_record": "Track record",
}


class CampaignWeightsForm(forms.Form):
    """Weights are relative: they are normalised to sum to 1 when scoring."""

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = effective_weights(campaign) if campaign is not None else {}
        for name in COMPONENTS:
            self.fields[name] = forms.FloatField(
                label=LABELS[name], min_value=0, initial=current.get(name, 0)
            )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                validate_weights({n: data[n] for n in COMPONENTS})
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data

    @property
    def weights(self) -> dict[str, float]:
        return {n: self.cleaned_data[n] for n in COMPONENTS}
