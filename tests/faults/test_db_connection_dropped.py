"""The database connection dropped in the middle of a request (issue 9 item 3).

A roster move writes the entry's new stage, then its history row, in one transaction. The test
stops the request between the two (a lock on the history table, held by a second connection),
terminates the request's PostgreSQL backend with pg_terminate_backend, and expects the plain
500 page and no trace of the half-done move.
"""

import threading

import psycopg2
from django.db import connection
from django.test import Client
from django.urls import reverse

from campaigns.models import RosterEntry, Stage, StageChange
from tests import factories as f
from tests.faults.conftest import DEADLINE, wait_for


def _terminate_when_blocked(params: dict, blocker_pid: int, outcome: dict) -> None:
    """In a thread: wait for the request's backend to queue behind the blocker, note what it
    had written, and kill it."""
    with psycopg2.connect(**params) as probe:
        probe.autocommit = True
        with probe.cursor() as cursor:

            def blocked():
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                    (blocker_pid,),
                )
                row = cursor.fetchone()
                return row[0] if row else None

            try:
                pid = wait_for(blocked, "the request to reach the blocked write", DEADLINE)
            except BaseException as exc:  # pytest.fail raises outside the test's thread
                outcome["error"] = str(exc)
                return
            cursor.execute(
                "SELECT 1 FROM pg_locks WHERE pid = %s AND granted "
                "AND relation = 'campaigns_rosterentry'::regclass AND mode = 'RowExclusiveLock'",
                (pid,),
            )
            outcome["had_written"] = cursor.fetchone() is not None
            cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
            outcome["terminated"] = cursor.fetchone()[0]


def test_connection_killed_mid_request_gives_the_error_page_and_writes_nothing(
    world, blocker, settings
):
    settings.DEBUG = False
    entry = f.RosterEntryFactory(campaign=world.campaign_a, stage=Stage.SHORTLISTED)
    history_before = StageChange.objects.count()
    client = Client(raise_request_exception=False)
    client.force_login(world.editor_a)

    blocker.execute("LOCK TABLE campaigns_stagechange IN SHARE MODE")
    outcome: dict = {}
    killer = threading.Thread(
        target=_terminate_when_blocked, args=(blocker.params, blocker.pid, outcome)
    )
    killer.start()
    try:
        response = client.post(
            reverse("campaigns:roster_move", args=[world.campaign_a.pk, entry.pk]),
            {"stage": Stage.CONTACTED},
        )
    finally:
        killer.join(timeout=DEADLINE)
        blocker.release()
    assert "error" not in outcome, outcome.get("error")
    assert outcome == {"had_written": True, "terminated": True}

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "Traceback" not in page and "OperationalError" not in page

    connection.close()  # the test shares the request's (dead) connection: start a new one
    entry = RosterEntry.objects.get(pk=entry.pk)
    assert entry.stage == Stage.SHORTLISTED
    assert StageChange.objects.count() == history_before

    # The application recovers on the next request: the same move now goes through.
    response = client.post(
        reverse("campaigns:roster_move", args=[world.campaign_a.pk, entry.pk]),
        {"stage": Stage.CONTACTED},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.stage == Stage.CONTACTED
    assert StageChange.objects.count() == history_before + 1
