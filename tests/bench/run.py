"""The benchmark suite: `make bench` runs every tests/bench/bench_*.py module on PostgreSQL,
prints one table (figure, target, ratio) and saves it as JSON under var/bench/.

A benchmark module exposes `run(ctx: BenchContext) -> list[Result]`. `ctx.full` is False for the
reduced sizes CI can afford and True for the sizes the issues name (`make bench-full`).

Usage: python -m tests.bench.run [--full] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Result:
    name: str  # what was measured, e.g. "import profiles 100k rows"
    figure: float  # the measured value (a median where several runs were made)
    unit: str  # "rows/s", "s", "ms", ...
    target: float | None = None
    better: str = "lower"  # "lower" or "higher": which way the target is met
    notes: str = ""  # sizes, runs, peak memory, ...
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """figure / target for "lower is better", target / figure otherwise: <= 1 meets the target.

        None without a target, and for a target of 0 (error counts), which is met or not."""
        if not self.target or not self.figure:
            return None
        return self.figure / self.target if self.better == "lower" else self.target / self.figure

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.target == 0:
            return self.figure <= 0 if self.better == "lower" else self.figure >= 0
        if not self.figure:
            return self.better == "lower"
        return self.ratio <= 1


@dataclass
class BenchContext:
    full: bool
    runs: int = 3


def setup_django() -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "matchmaker.settings")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/matchmaker_bench"
        )
    import django

    django.setup()
    from django.core.management import call_command

    _ensure_database(url)
    call_command("migrate", verbosity=0, interactive=False)


def _ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist yet."""
    import psycopg2
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    params = {k: settings.DATABASES["default"][k] for k in ("USER", "HOST", "PORT", "PASSWORD")}
    conn = psycopg2.connect(
        dbname="postgres",
        user=params["USER"],
        host=params["HOST"],
        port=params["PORT"] or 5432,
        password=params["PASSWORD"] or None,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem:.0f} GiB, {cpu}, Python {platform.python_version()}"


def format_table(results: list[Result]) -> str:
    header = f"{'benchmark':<52} {'figure':>14} {'target':>14} {'ratio':>7}  met"
    lines = [header, "-" * len(header)]
    for r in results:
        target = f"{r.target:,.2f} {r.unit}" if r.target is not None else "-"
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "-"
        met = {True: "yes", False: "NO", None: ""}[r.met]
        lines.append(f"{r.name:<52} {r.figure:>10,.2f} {r.unit:<3} {target:>14} {ratio:>7}  {met}")
        if r.notes:
            lines.append(f"    {r.notes}")
    return "\n".join(lines)


def run_modules(package_name: str, only: list[str] | None, ctx) -> list[Result]:
    """Run every bench_*.py module of the package (or those named in `only`), in name order."""
    package = importlib.import_module(package_name)
    names = sorted(
        m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_")
    )
    if only:
        names = [n for n in names if n in only]
    results: list[Result] = []
    for name in names:
        started = time.perf_counter()
        module = importlib.import_module(f"{package_name}.{name}")
        print(f"== {name}", flush=True)
        results.extend(module.run(ctx))
        print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
    return results


def report(results: list[Result], *, prefix: str = "bench", **meta) -> Path:
    """Print the table and save it as JSON under var/bench/ (<prefix>-<stamp>.json and
    <prefix>-latest.json; "latest.json" for the main suite)."""
    table = format_table(results)
    print(f"\nMachine: {machine()}\n")
    print(table)
    out_dir = Path("var/bench")
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    payload = {
        "when": stamp,
        "machine": machine(),
        **meta,
        "results": [asdict(r) | {"ratio": r.ratio, "met": r.met} for r in results],
    }
    path = out_dir / f"{prefix}-{stamp}.json"
    path.write_text(json.dumps(payload, indent=2))
    latest = "latest.json" if prefix == "bench" else f"{prefix}-latest.json"
    (out_dir / latest).write_text(json.dumps(payload, indent=2))
    print(f"\nSaved {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="the sizes the issues name")
    parser.add_argument("--only", nargs="*", default=None, help="module names, e.g. bench_import")
    args = parser.parse_args(argv)
    setup_django()
    results = run_modules("tests.bench", args.only, BenchContext(full=args.full))
    report(results, full=args.full)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
