"""After a bulk import and after seed_demo the tables they wrote are ANALYZEd (matchmaker.lib.
pgstats), so the planner does not plan a fresh million-row catalogue with empty statistics."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from matchmaker.lib.pgstats import analyze_models
from scoring.models import CreatorMetrics
from scoring.services.metrics_chunks import recompute_creator_metrics
from tests import factories as f

pytestmark = pytest.mark.django_db

PROFILES = "handle,followers\nfirst,10\nsecond,20\nthird,30\n"
TABLES = (
    "creators_creator",
    "creators_followersnapshot",
    "creators_post",
    "creators_comment",
    "creators_audienceshare",
    "creators_creator_categories",
    "scoring_creatormetrics",
    "scoring_creatorreaction",
    "scoring_matchscore",
)


def analyze_counts(tables=TABLES) -> dict[str, int]:
    """pg_stat_user_tables' analyze_count per table, read afresh (not the transaction's cache)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [list(tables)],
        )
        return dict(cursor.fetchall())


def analyzed_since(before: dict[str, int]) -> set[str]:
    after = analyze_counts(before)
    return {table for table, count in after.items() if count > before[table]}


def test_analyze_models_analyzes_each_table_once():
    before = analyze_counts()
    tables = analyze_models([CreatorMetrics, CreatorMetrics])
    assert tables == ["scoring_creatormetrics"]
    assert analyzed_since(before) == {"scoring_creatormetrics"}
    assert analyze_counts()["scoring_creatormetrics"] == before["scoring_creatormetrics"] + 1


def test_a_bulk_import_analyzes_the_tables_it_wrote(run_import, settings):
    settings.IMPORT_ANALYZE_MIN_ROWS = 3
    before = analyze_counts()
    job = run_import("profiles", PROFILES, platform="instagram")
    assert job.rows_created == 3
    assert analyzed_since(before) == {"creators_creator", "creators_followersnapshot"}


def test_a_small_import_leaves_statistics_to_autovacuum(run_import, settings):
    settings.IMPORT_ANALYZE_MIN_ROWS = 4
    before = analyze_counts()
    assert run_import("profiles", PROFILES, platform="instagram").rows_created == 3
    assert analyzed_since(before) == set()


def test_seed_demo_analyzes_the_catalogue_and_the_scores():
    before = analyze_counts()
    out = StringIO()
    call_command("seed_demo", creators=60, seed=3, stdout=out)
    assert "Analyzed 11 tables" in out.getvalue()
    assert analyzed_since(before) == set(TABLES)


def test_seed_demo_without_scoring_analyzes_the_catalogue():
    before = analyze_counts()
    out = StringIO()
    call_command("seed_demo", creators=60, seed=3, skip_scoring=True, stdout=out)
    assert "Analyzed 8 tables" in out.getvalue()
    assert analyzed_since(before) == set(TABLES) - {
        "scoring_creatormetrics",
        "scoring_creatorreaction",
        "scoring_matchscore",
    }


METRICS_TABLES = ("scoring_creatormetrics", "scoring_cohortstats", "scoring_stagedmetrics")


def test_a_full_metrics_recompute_analyzes_the_tables_its_publish_rewrote(settings):
    settings.METRICS_CHUNK_SIZE = 2
    for _ in range(5):
        f.CreatorFactory()
    before = analyze_counts(METRICS_TABLES)
    run = recompute_creator_metrics()
    assert run.status == "succeeded" and run.chunks_total == 3
    assert analyzed_since(before) == {"scoring_creatormetrics", "scoring_cohortstats"}


def test_a_partial_metrics_recompute_leaves_statistics_to_autovacuum():
    creator = f.CreatorFactory()
    before = analyze_counts(METRICS_TABLES)
    assert recompute_creator_metrics(creator_ids=[creator.pk]).status == "succeeded"
    assert analyzed_since(before) == set()
