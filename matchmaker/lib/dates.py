"""The plausible window of a date the app stores: posts, follower snapshots, result readings,
deliverables. Social platforms of the kind we track start in 2004; nothing is dated after
tomorrow (a day of margin for time zones). A planned date (a deliverable's due date) may lie
further ahead, up to PLAN_YEARS.

Dates outside it are typing errors or placeholders (9999-12-31, 0001-01-01), and past the range
of pandas' timestamps: they are refused where they come in, and skipped where they were stored
before this check existed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd

EARLIEST = date(2004, 1, 1)
FUTURE_MARGIN = timedelta(days=1)
PLAN_YEARS = 10


def latest(*, plan: bool = False, now: datetime | None = None) -> date:
    """The last plausible day: tomorrow, or PLAN_YEARS ahead for a planned date."""
    today = (now or datetime.now(UTC)).date()
    if plan:
        return today.replace(year=today.year + PLAN_YEARS, day=min(today.day, 28))
    return today + FUTURE_MARGIN


def window_text(*, plan: bool = False) -> str:
    return f"{EARLIEST:%Y-%m-%d} to {latest(plan=plan):%Y-%m-%d}"


def date_problem(value: date | datetime | None, *, plan: bool = False) -> str | None:
    """Why `value` is not a plausible date (the reason of a row error), or None."""
    if value is None:
        return None
    day = value.astimezone(UTC).date() if isinstance(value, datetime) and value.tzinfo else value
    if isinstance(day, datetime):
        day = day.date()
    if EARLIEST <= day <= latest(plan=plan):
        return None
    return f"not a plausible date: outside {window_text(plan=plan)}"


def window_stamps(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The values (ISO text, dates or timestamps, as a database read gives them) as UTC
    timestamps, and the mask of those missing, unreadable or outside the window; vectorised,
    for whole tables."""
    stamps = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    low, high = (pd.Timestamp(bound) for bound in window_bounds())
    return stamps, (stamps.isna() | (stamps < low) | (stamps >= high)).to_numpy()


def window_bounds() -> tuple[datetime, datetime]:
    """The window as UTC instants [low, high): a time is plausible when low <= it < high."""
    low = datetime.combine(EARLIEST, time(), tzinfo=UTC)
    return low, datetime.combine(latest() + timedelta(days=1), time(), tzinfo=UTC)


def epoch_stamps(micros: pd.Series) -> pd.Series:
    """Microseconds since the epoch (whole numbers, NaN where missing, as a database read of
    an integer column with NULLs gives them) as UTC timestamps, NaT where missing. Exact for
    times before 2255 (2**53 microseconds), which float64 holds exactly."""
    values = micros.to_numpy(dtype=float)
    known = ~np.isnan(values)
    ns = np.full(len(values), np.iinfo(np.int64).min, dtype=np.int64)  # NaT's value
    ns[known] = values[known].astype(np.int64) * 1000
    return pd.Series(ns.view("M8[ns]"), index=micros.index).dt.tz_localize(UTC)


def outside_window(values: pd.Series) -> np.ndarray:
    return window_stamps(values)[1]
