"""Scores: pure metric functions, stored results, recompute services and their Celery tasks."""
