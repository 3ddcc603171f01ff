"""A real Celery round trip: a worker started here takes a task from Redis and writes a row."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from creators.models import Category
from matchmaker.celery import app


@app.task(name="tests.project.create_category")
def create_category(name: str) -> int:
    """Test-only task: proves the worker reached the same database."""
    try:
        return Category.objects.create(name=name, slug=name.lower()).pk
    finally:
        connection.close()  # the worker thread's connection would block test-database teardown


@pytest.mark.worker
def test_worker_runs_a_task_that_writes_to_the_database(requires_redis, transactional_db):
    assert not app.conf.task_always_eager, "with REDIS_URL set, tasks must go to a worker"
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = create_category.delay("Roundtrip")
        pk = result.get(timeout=30)
    assert Category.objects.get(pk=pk).name == "Roundtrip"
