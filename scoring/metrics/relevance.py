"""Relevance gates: the match total is the weighted mean of the components times an audience
gate and a niche gate, so that engagement, authenticity and price cannot carry a creator whose
audience is not the campaign's target or whose content is not its niche to the top.

- Audience gate = min(1, sqrt(per-dimension fit / REFERENCE_SHARE)), per-dimension fit = the
  audience fit (a product over the n targeted dimensions) to the power 1/n, its geometric mean:
  full marks once the audience is, on average, half inside each targeted dimension. A creator
  with none of the target audience (fit 0) gets 0 and can never be a top match for that target;
  the square root keeps small but real audiences above zero (1% of the audience in the one
  targeted dimension: gate 0.14). The geometric mean keeps campaigns that target more
  dimensions from gating everyone: a product of four shares is small even for a good fit.
- Niche gate = 1 when a campaign niche is among the creator's categories or a brand keyword is
  in the bio or hashtags, else NICHE_FLOOR; 1 when the campaign sets neither.

Untargeted, both gates are 1 and the total is the weighted mean as before."""

from __future__ import annotations

import numpy as np

REFERENCE_SHARE = 0.5
NICHE_FLOOR = 0.1


def per_dimension_fit(fit, dimensions: int) -> np.ndarray:
    """The geometric mean share per targeted dimension: fit ** (1 / dimensions)."""
    fit = np.clip(np.nan_to_num(np.asarray(fit, dtype=float), nan=0.0), 0.0, 1.0)
    if dimensions <= 0:
        return np.ones_like(fit)
    return fit ** (1.0 / int(dimensions))


def audience_gate(fit, dimensions: int) -> np.ndarray:
    """Per creator 0..1 from its audience fit (0..1) and the count of targeted dimensions."""
    return np.minimum(1.0, np.sqrt(per_dimension_fit(fit, dimensions) / REFERENCE_SHARE))


def niche_gate(
    category_match, keyword_share, *, has_niches: bool, has_keywords: bool
) -> np.ndarray:
    """Per creator 1 (a niche category or a keyword matches) or NICHE_FLOOR; 1 untargeted."""
    category = np.nan_to_num(np.asarray(category_match, dtype=float), nan=0.0)
    keywords = np.nan_to_num(np.asarray(keyword_share, dtype=float), nan=0.0)
    if not (has_niches or has_keywords):
        return np.ones_like(category)
    hit = np.zeros(category.shape, dtype=bool)
    if has_niches:
        hit |= category > 0
    if has_keywords:
        hit |= keywords > 0
    return np.where(hit, 1.0, NICHE_FLOOR)
