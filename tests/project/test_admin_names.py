"""Django admin's model names read as English: "Audience sketches", not "Audience sketchs"."""

import pytest
from django.apps import apps

# Plurals that English does not form by the rule below.
IRREGULAR = {
    "creator metrics": "creator metrics",
    "staged metrics": "staged metrics",
    "cohort stats": "cohort stats",
}


def english_plural(noun: str) -> str:
    if noun in IRREGULAR:
        return IRREGULAR[noun]
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


OUR_APPS = ("creators", "campaigns", "scoring", "tenancy")


@pytest.mark.parametrize(
    "model",
    [m for m in apps.get_models() if m._meta.app_label in OUR_APPS],
    ids=lambda m: m.__name__,
)
def test_every_model_plural_reads_right(model):
    meta = model._meta
    assert str(meta.verbose_name_plural) == english_plural(str(meta.verbose_name))
    assert "api" not in str(meta.verbose_name).split()  # "API token", not "api token"


def test_admin_index_names_audience_sketches(admin_client):
    body = admin_client.get("/admin/").content.decode()
    assert "Audience sketches" in body and "Audience sketchs" not in body
    assert "API tokens" in body
