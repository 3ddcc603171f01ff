"""What the campaign page says about its match runs: one function decides the state, so the page
never shows "Computing matches · 1290 of 1290…" beside a fresh "computed at" time.

The states:
- never: no run has completed and none is under way;
- queued: a recompute was asked for and no run has started for it yet;
- computing: a run is scoring creators (done / total when it knows them);
- finishing: every creator is scored, the new ranking is being written;
- failed: the latest run failed (the previous ranking, if any, stays);
- current: the latest run succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from matchmaker.lib import formatting

ACTIVE = ("pending", "running")


@dataclass(frozen=True)
class RunState:
    state: str
    headline: str
    detail: str = ""
    polling: bool = False
    done: int | None = None
    total: int | None = None

    @property
    def badge(self) -> str:
        return {"failed": "bad", "current": "good", "never": "warn"}.get(self.state, "info")


def match_run_state(latest, completed, *, queued_at: datetime | None = None) -> RunState:
    """The campaign page's run state from its latest run (any status) and last completed run.

    `queued_at`: when this request queued a recompute. A run created since is that recompute
    (in-process tasks have finished it already); none yet means it waits for a worker."""
    shown = (
        f"The table shows the ranking computed {formatting.moment(completed.finished_at)}."
        if completed is not None and completed.finished_at
        else "No ranking yet."
    )
    if queued_at is not None and (latest is None or latest.created_at < queued_at):
        return RunState("queued", "Recompute queued: waiting for a worker.", shown, polling=True)
    if latest is not None and latest.status in ACTIVE:
        total, done = latest.items_total, latest.items_done or 0
        if latest.status == "pending":
            return RunState("queued", "Recompute queued: waiting for a worker.", shown, True)
        if total and done >= total:
            return RunState(
                "finishing",
                f"All {formatting.count(total)} creators scored: saving the new ranking…",
                shown,
                True,
                done,
                total,
            )
        progress = (
            f"{formatting.count(done)} of {formatting.count(total)} creators scored"
            if total
            else "starting"
        )
        return RunState("computing", f"Computing matches: {progress}…", shown, True, done, total)
    if latest is not None and latest.status == "failed":
        return RunState("failed", "Last recompute failed.", f"{latest.error} {shown}".strip())
    if completed is not None and completed.finished_at:
        return RunState("current", f"Matches computed {formatting.moment(completed.finished_at)}.")
    return RunState("never", "Last computed: never.")
