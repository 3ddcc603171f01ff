"""Scoring writes, one module per recompute, each load -> compute (scoring.metrics) -> store:
metrics (CreatorMetrics), matches (MatchScore, campaign weights), overlaps (CreatorOverlap,
audience sketches, the roster optimiser)."""
