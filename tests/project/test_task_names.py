"""Services queue their own app's tasks by name (matchmaker.celery.delay_on_commit, a signature):
every task name written in the code must be a task registered in this process, or the queued
work would be lost when it is sent."""

import re
from pathlib import Path

from matchmaker.celery import app

ROOT = Path(__file__).resolve().parents[2]
APPS = ("campaigns", "creators", "scoring", "tenancy", "matchmaker")
NAME = re.compile(r"""["']((?:campaigns|creators|scoring)\.tasks\.\w+)["']""")


def test_every_task_named_in_the_code_is_registered():
    names = {
        name
        for app_dir in APPS
        for path in (ROOT / app_dir).rglob("*.py")
        for name in NAME.findall(path.read_text())
    }
    assert len(names) >= 4, f"the scan found too few task names: {sorted(names)}"
    missing = sorted(name for name in names if name not in app.tasks)
    assert not missing, f"named in the code but not registered: {missing}"
