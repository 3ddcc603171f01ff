"""Audience fit (DESIGN 4.3): per targeted dimension the share of the audience inside the
target, fit = product over targeted dimensions; dimensions without data use the catalogue
average and are marked estimated. Target reach = followers x fit."""

from __future__ import annotations

import numpy as np
import pandas as pd


def audience_fit(
    creator_ids: pd.Index, shares: pd.DataFrame, targets: dict[str, list[str]]
) -> pd.DataFrame:
    """shares: creator_id, dimension, bucket, share. targets: dimension -> buckets (empty = not
    targeted). Returns index creator id: audience_fit 0..1, estimated_dims (list), s_<dim>."""
    out = pd.DataFrame(index=creator_ids)
    fit = pd.Series(1.0, index=creator_ids)
    estimated = pd.Series([[] for _ in creator_ids], index=creator_ids, dtype=object)
    for dim, buckets in targets.items():
        if not buckets:
            continue
        wanted = {str(b).lower() for b in buckets}
        d = shares[shares["dimension"] == dim]
        has_data = d.groupby("creator_id")["share"].sum().reindex(creator_ids).fillna(0) > 0
        inside = d[d["bucket"].str.lower().isin(wanted)].groupby("creator_id")["share"].sum()
        s_d = inside.reindex(creator_ids).fillna(0).clip(0, 1)
        known = s_d[has_data]
        average = float(known.mean()) if len(known) else 0.5
        s_d = s_d.where(has_data, average)
        for cid in s_d.index[~has_data.to_numpy()]:
            estimated[cid] = estimated[cid] + [dim]
        out[f"s_{dim}"] = s_d
        fit = fit * s_d
    out["audience_fit"] = np.clip(fit, 0, 1)
    out["estimated_dims"] = estimated
    return out
