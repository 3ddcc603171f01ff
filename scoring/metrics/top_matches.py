"""The best N of a campaign's candidates, kept while they are scored chunk by chunk.

The ranking is scoring.metrics.match.match_total's: total descending, then weighted mean
descending, then creator id ascending - a total order, so the best N of all candidates are
the best N of (the best N so far + the next chunk), whatever the chunk size, and their ranks
1..N are the ranks the whole set would give them."""

from __future__ import annotations

import numpy as np
import pandas as pd

RANK_KEYS = ("total", "weighted_mean", "creator_id")


def ranking_order(frame: pd.DataFrame) -> np.ndarray:
    """Positions of `frame`'s rows (total, weighted_mean, creator_id), best first."""
    total = frame["total"].to_numpy(dtype=float)
    mean = frame["weighted_mean"].to_numpy(dtype=float)
    ids = frame["creator_id"].to_numpy(dtype=np.int64)
    # lexsort sorts by the last key first; negating sorts the scores descending (0.0 and -0.0
    # compare equal, as they do in match_total's sort).
    return np.lexsort((ids, -mean, -total))


def keep_best(best: pd.DataFrame | None, chunk: pd.DataFrame, n: int) -> pd.DataFrame:
    """The best `n` rows of `best` and `chunk` together, best first (rank not set)."""
    both = chunk if best is None or best.empty else pd.concat([best, chunk], ignore_index=True)
    order = ranking_order(both)[:n]
    return both.iloc[order].reset_index(drop=True)


def with_ranks(best: pd.DataFrame) -> pd.DataFrame:
    """keep_best()'s rows with rank 1..len (they are in ranking order already)."""
    out = best.reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1, dtype=np.int64)
    return out
