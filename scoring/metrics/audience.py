"""Audience fit (DESIGN 4.3): per targeted dimension the share of the audience inside the
target, fit = product over targeted dimensions; dimensions without data use the catalogue
average and are marked estimated. Target reach = followers x fit."""

from __future__ import annotations

import numpy as np
import pandas as pd


def audience_sums(shares: pd.DataFrame, targets: dict[str, list[str]]) -> pd.DataFrame:
    """shares: creator_id, dimension, bucket, share -> per creator and targeted dimension the
    total share with data (`total`) and the share inside the target buckets (`inside`)."""
    targeted = {
        dim: {str(b).lower() for b in buckets} for dim, buckets in targets.items() if buckets
    }
    s = shares[shares["dimension"].isin(list(targeted))]
    wanted = pd.Series(False, index=s.index)
    for dim, buckets in targeted.items():
        wanted |= (s["dimension"] == dim) & s["bucket"].astype(str).str.lower().isin(buckets)
    share = pd.to_numeric(s["share"], errors="coerce").astype(float)
    frame = pd.DataFrame(
        {
            "creator_id": s["creator_id"],
            "dimension": s["dimension"],
            "total": share,
            "inside": share.where(wanted, 0.0),
        }
    )
    return frame.groupby(["creator_id", "dimension"], as_index=False)[["total", "inside"]].sum()


def audience_fit(
    creator_ids: pd.Index, shares: pd.DataFrame, targets: dict[str, list[str]]
) -> pd.DataFrame:
    """shares: creator_id, dimension, bucket, share. targets: dimension -> buckets (empty = not
    targeted). Returns index creator id: audience_fit 0..1, estimated_dims (list), s_<dim>."""
    out = audience_fit_from_sums(creator_ids, audience_sums(shares, targets), targets)
    flags = out[[f"estimated_{dim}" for dim in targets if targets[dim]]]
    names = [dim for dim in targets if targets[dim]]
    out["estimated_dims"] = [
        [n for n, hit in zip(names, row, strict=True) if hit] for row in flags.to_numpy()
    ]
    return out


def audience_fit_from_sums(
    creator_ids: pd.Index,
    sums: pd.DataFrame,
    targets: dict[str, list[str]],
    averages: dict[str, float] | None = None,
) -> pd.DataFrame:
    """audience_fit() from audience_sums() rows (which a database can also aggregate).
    Returns index creator id: audience_fit, s_<dim> and estimated_<dim> (bool) per targeted
    dimension, and estimated_json: the estimated dimensions as a JSON array text.

    A creator without data in a dimension gets the average share of those with data: of
    `creator_ids`, or `averages[dim]` when given (the average over a larger population the
    ids are one chunk of: scoring.services.matches scores its candidates chunk by chunk)."""
    out = pd.DataFrame(index=creator_ids)
    fit = pd.Series(1.0, index=creator_ids)
    estimated_json = pd.Series("", index=creator_ids, dtype=object)
    for dim, buckets in targets.items():
        if not buckets:
            continue
        d = sums[sums["dimension"] == dim].groupby("creator_id")[["total", "inside"]].sum()
        has_data = d["total"].astype(float).reindex(creator_ids).fillna(0) > 0
        s_d = d["inside"].astype(float).reindex(creator_ids).fillna(0).clip(0, 1)
        known = s_d[has_data]
        if averages is not None and dim in averages:
            average = float(averages[dim])
        else:
            average = float(known.mean()) if len(known) else 0.5
        s_d = s_d.where(has_data, average)
        out[f"s_{dim}"] = s_d
        out[f"estimated_{dim}"] = ~has_data
        estimated_json = estimated_json + np.where(has_data, "", f'"{dim}",')
        fit = fit * s_d
    out["audience_fit"] = np.clip(fit, 0, 1)
    out["estimated_json"] = "[" + estimated_json.str.rstrip(",") + "]"
    return out
