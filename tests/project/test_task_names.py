"""Services queue their own app's tasks by name (matchmaker.celery.delay_on_commit): every such
name must be a task registered in this process, or the queued work would be lost at send time."""

import re
from pathlib import Path

from matchmaker.celery import app

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"""delay_on_commit\(\s*["']([\w.]+)["']""")


def test_every_task_queued_by_name_is_registered():
    names = {
        name
        for path in ROOT.glob("[a-z]*/**/*.py")
        if ".venv" not in path.parts and "node_modules" not in path.parts
        for name in NAME.findall(path.read_text())
    }
    assert names, "the scan found no task queued by name"
    missing = sorted(name for name in names if name not in app.tasks)
    assert not missing, f"queued by name but not registered: {missing}"
