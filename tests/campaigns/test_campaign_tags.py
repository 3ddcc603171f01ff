"""The campaign pages' score filter is formatting.score: one formatter, one missing mark."""

import pytest

from campaigns.templatetags.campaign_tags import bar_width, score100
from matchmaker.lib import formatting


@pytest.mark.parametrize("value", [0.734, 0, 1, 1.7, -0.2, None, "x", float("nan"), 0.005])
def test_score100_is_the_formatting_modules_score(value):
    assert score100(value) == formatting.score(value)


def test_missing_score_is_the_em_dash_like_every_missing_figure():
    assert score100(None) == formatting.DASH == "—"
    assert bar_width(None) == "w-0" and bar_width(0.734) == "w-73"
