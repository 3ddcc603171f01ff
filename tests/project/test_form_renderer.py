"""The Python widget renderer writes exactly what Django's templates write, for every stock
widget it builds, with awkward values (markup in values and labels, booleans in attrs, groups)."""

import datetime
import re

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from campaigns.discovery.forms import DiscoveryFilterForm
from campaigns.forms import CampaignForm
from matchmaker.lib.form_renderer import FastRenderer


class Awkward(forms.Form):
    text = forms.CharField(max_length=20, help_text="x")
    blank = forms.CharField(required=False)
    number = forms.IntegerField(min_value=0, max_value=10)
    decimal = forms.DecimalField(max_digits=6, decimal_places=2)
    email = forms.EmailField()
    url = forms.URLField(assume_scheme="https")
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    flag = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "data-x": '"q"'}))
    empty_notes = forms.CharField(required=False, widget=forms.Textarea)
    choice = forms.ChoiceField(
        choices=[("", "Any"), ("a<b", "A & B"), ("2", mark_safe("<em>two</em>"))]
    )
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("solo", "Solo")],
        widget=forms.Select(attrs={"disabled": True, "aria-label": "Grouped <choice>"}),
    )
    many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two"), (3, "Three")])
    radio = forms.ChoiceField(choices=[("x", "X")], widget=forms.RadioSelect)  # falls back
    when = forms.SplitDateTimeField()  # a multiwidget of two inputs: falls back, then builds


VALUES = {
    "text": "<script>\"x\" & 'y'</script>",
    "number": "7",
    "decimal": "12.50",
    "email": "a@b.example",
    "url": "https://example.com/?a=1&b=2",
    "secret": "p&ss",
    "hidden": "h>",
    "day": "2026-01-02",
    "flag": "on",
    "notes": "line one\n<b>two</b>",
    "choice": "a<b",
    "grouped": "pear",
    "many": ["1", "3"],
    "radio": "x",
    "when_0": "2026-01-02",
    "when_1": "10:00",
}


def _pairs(form_class, **kwargs):
    fast = form_class(**kwargs, renderer=FastRenderer())
    stock = form_class(**kwargs, renderer=DjangoTemplates())
    return [(str(fast[name]), str(stock[name]), name) for name in fast.fields]


@pytest.mark.parametrize("data", [VALUES, None], ids=["bound", "unbound"])
def test_every_widget_matches_djangos_templates(data):
    initial = {"day": datetime.date(2026, 1, 2), "flag": True, "many": [2]}
    for fast, stock, name in _pairs(Awkward, data=data, initial=initial):
        assert fast == stock, name


@pytest.mark.parametrize("data", [VALUES, {"text": "x" * 30, "number": "-1"}, None])
def test_field_groups_match_the_project_template(data):
    """Label, widget, help text and errors: the Python field group against
    templates/partials/field.html rendered by Django (errors and hidden fields included)."""
    form = Awkward(data=data, renderer=FastRenderer())
    form.is_valid()
    form.fields["text"].help_text = mark_safe("In <em>handle</em> & name")
    form.fields["text"].label = "Text <&>"
    for name in form.fields:
        field = form[name]
        expected = render_to_string("partials/field.html", {"field": field}).strip()
        assert field.as_field_group() == expected, name
    if data and data["number"] == "-1":
        group = form["number"].as_field_group()
        assert 'class="field field-error"' in group and 'role="alert">Ensure' in group


def test_values_are_escaped():
    html = str(Awkward(data=VALUES, renderer=FastRenderer())["text"])
    assert "<script>" not in html
    assert "&lt;script&gt;&quot;x&quot; &amp; &#x27;y&#x27;&lt;/script&gt;" in html


@pytest.mark.django_db
def test_the_projects_forms_render_as_before(world):
    data = {"platform": "instagram", "min_er": "2", "sort": "er", "q": '"quoted"'}
    for fast, stock, name in _pairs(DiscoveryFilterForm, data=data, user=world.editor_a):
        assert fast == stock, name
    for fast, stock, name in _pairs(CampaignForm, instance=world.campaign_a):
        assert fast == stock, name


def test_settings_use_the_fast_renderer():
    assert settings.FORM_RENDERER == "matchmaker.lib.form_renderer.FastRenderer"


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "template"])
def test_aria_describedby_points_at_help_and_errors(fast):
    """Every id a widget's aria-describedby names is on the help text or the errors of its group,
    built in Python and by templates/partials/field.html (the parity test compares the two)."""
    form = Awkward(data={"text": "x" * 30, "number": "-1"}, renderer=FastRenderer())
    form.is_valid()

    def group(name):
        field = form[name]
        return (
            field.as_field_group()
            if fast
            else render_to_string("partials/field.html", {"field": field})
        )

    for name in ("text", "number", "blank"):
        html = group(name)
        named = re.search(r'aria-describedby="([^"]*)"', html)
        expected = [
            *([f"id_{name}_helptext"] if form.fields[name].help_text else []),
            *([f"id_{name}_error"] if form.errors.get(name) else []),
        ]
        assert (named.group(1).split() if named else []) == expected, name
        for target in expected:
            assert html.count(f'id="{target}"') == 1, (name, target)
    assert '<small class="help" id="id_text_helptext">x</small>' in group("text")
    assert '<div class="errors" id="id_number_error"><small class="error" role="alert">' in group(
        "number"
    )


def test_no_ids_without_auto_id():
    form = Awkward(data={"text": "x" * 30}, auto_id=False, renderer=FastRenderer())
    form.is_valid()
    group = form["text"].as_field_group()
    assert "aria-describedby" not in group and "_helptext" not in group and "_error" not in group
    assert group == render_to_string("partials/field.html", {"field": form["text"]}).strip()
