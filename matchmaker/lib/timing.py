"""Per-stage wall times for the batch jobs, logged at DEBUG (the benchmarks' profile of where
the time goes)."""

import logging
import time


class StageTimer:
    """`lap(stage)` logs the time since the previous lap (or since it was made)."""

    def __init__(self, what: str, log: logging.Logger) -> None:
        self.what, self.log, self.last = what, log, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.log.debug("%s: %s %.3f s", self.what, stage, now - self.last)
        self.last = now
