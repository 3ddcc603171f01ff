"""Celery tasks of the campaigns app."""

from celery import shared_task

from campaigns import tracking


@shared_task(name="campaigns.tasks.flush_link_clicks")
def flush_link_clicks() -> int:
    """Write the tracked links' buffered clicks to the database (beat runs it every minute)."""
    return tracking.flush_clicks()
