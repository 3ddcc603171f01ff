"""Form widgets shared by the apps' forms."""

from django import forms


class IsoDateInput(forms.DateInput):
    """<input type="date"> filled with an ISO date (2027-10-01).

    A date input accepts only ISO values; the stock DateInput writes the locale's first input
    format ("01/10/2027" in en-gb), which the browser rejects and shows blank, so saving the form
    unchanged emptied the dates.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
