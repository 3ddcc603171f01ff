"""The campaign weights form: one non-negative number per match-score component."""

from django import forms

from scoring.components import COMPONENTS, LABELS
from scoring.weights import effective_weights, validate_weights


class CampaignWeightsForm(forms.Form):
    """Weights are relative: they are normalised to sum to 1 when scoring."""

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = effective_weights(campaign) if campaign is not None else {}
        for name in COMPONENTS:
            # Not required: a component left out weighs 0 (validate_weights).
            self.fields[name] = forms.FloatField(
                label=LABELS[name], min_value=0, initial=current.get(name, 0), required=False
            )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                validate_weights(self._given(data))
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data

    @property
    def weights(self) -> dict[str, float]:
        return self._given(self.cleaned_data)

    @staticmethod
    def _given(data) -> dict[str, float]:
        return {n: (0.0 if data.get(n) is None else data[n]) for n in COMPONENTS}
