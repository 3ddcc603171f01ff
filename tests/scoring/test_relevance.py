"""Relevance gates (issue 17 item 4): a creator with none of the target audience, or outside the
campaign's niche, cannot ride engagement and authenticity to the top."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.components import COMPONENTS
from scoring.metrics.campaign_matches import campaign_matches
from scoring.metrics.match import match_total
from scoring.metrics.relevance import NICHE_FLOOR, audience_gate, niche_gate
from tests.scoring.test_metric_frames import _match_inputs


def test_audience_gate_is_zero_without_target_audience_and_full_at_half_per_dimension():
    assert audience_gate([0.0, 0.5, 0.9, np.nan], 1).tolist() == [0.0, 1.0, 1.0, 0.0]
    assert audience_gate([0.01], 1)[0] == pytest.approx(np.sqrt(0.02))
    # Two dimensions half inside each: fit .25, a full gate; untargeted: always 1.
    assert audience_gate([0.25], 2)[0] == pytest.approx(1.0)
    assert audience_gate([0.0, 0.3], 0).tolist() == [1.0, 1.0]


def test_niche_gate_floors_creators_outside_the_niche():
    gate = niche_gate([0.0, 0.5, 0.0], [0.0, 0.0, 1.0], has_niches=True, has_keywords=True)
    assert gate.tolist() == [NICHE_FLOOR, 1.0, 1.0]
    assert niche_gate([0.0], [0.0], has_niches=False, has_keywords=False).tolist() == [1.0]
    # Keywords not set: a keyword share (neutral 0.5) is no match.
    assert niche_gate([0.0], [0.5], has_niches=True, has_keywords=False).tolist() == [NICHE_FLOOR]


def test_zero_audience_fit_cannot_outrank_a_fitting_creator():
    """The issue's case: @devcoffee1078 (GB) ranked 5th for DE/AT on engagement alone."""
    targets = {"country": ["DE", "AT"], "age": [], "gender": [], "language": [], "interest": []}
    sums = pd.DataFrame(
        {
            "creator_id": [10, 11, 12],
            "dimension": ["country"] * 3,
            "total": [1.0, 1.0, 1.0],
            "inside": [0.0, 0.3, 0.05],
        }
    )
    weights = {"audience_fit": 1.0, "engagement": 3.0, "authenticity": 1.0}
    out = campaign_matches(**_match_inputs(targets=targets, audience_sums=sums, weights=weights))
    out = out.set_index("creator_id")
    # 10 has the best engagement (0.8) and authenticity but none of its audience in DE/AT.
    assert out.loc[10, "audience_fit"] == 0 and out.loc[10, "total"] == 0
    assert out.loc[10, "rank"] == 3
    assert out.loc[11, "rank"] == 1 and out.loc[12, "rank"] == 2
    assert out.loc[11, "audience_gate"] == pytest.approx(np.sqrt(0.6))
    assert out["niche_gate"].tolist() == [1.0, 1.0, 1.0]
    assert out.loc[11, "share_country"] == pytest.approx(0.3)
    assert np.isnan(out.loc[11, "share_age"])


unit = st.floats(0, 1, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(*[unit] * len(COMPONENTS), unit), min_size=1, max_size=15),
    weights=st.fixed_dictionaries(
        {n: st.floats(0, 10, allow_nan=False) for n in COMPONENTS}
    ).filter(lambda w: sum(w.values()) > 0.01),
)
def test_total_is_the_gated_weighted_mean_and_a_closed_gate_ranks_last(rows, weights):
    frame = pd.DataFrame(
        [r[:-1] for r in rows], columns=list(COMPONENTS), index=pd.RangeIndex(1, len(rows) + 1)
    )
    gate = pd.Series([r[-1] for r in rows], index=frame.index)
    out = match_total(frame, weights, gate=gate)
    contrib = out[[f"{n}_contribution" for n in COMPONENTS]].sum(axis=1)
    assert np.allclose(out["weighted_mean"], contrib)
    assert np.allclose(out["total"], contrib * gate)
    assert ((out["total"] >= 0) & (out["total"] <= 1 + 1e-12)).all()
    # Rank follows the total; among equal totals (a closed gate) the weighted mean decides.
    ordered = out.sort_values("rank")
    assert (np.diff(ordered["total"].to_numpy()) <= 1e-12).all()
    closed = ordered[ordered["total"] == 0]
    assert (np.diff(closed["weighted_mean"].to_numpy()) <= 1e-12).all()
