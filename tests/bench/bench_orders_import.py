"""Shop orders import on PostgreSQL, end to end: a Shopify orders export on disk to committed
Conversion rows through import_job_create + import_job_run, kind "orders" (issue 21).

The export is Shopify's shape: one row per line item, the order's fields on its first row only
(about 1.5 rows per order), customer columns no field maps; a third of the orders carry a
roster entry's discount code, a third a tracked-link click id in the landing site, the rest
nothing to match. Figures, each the median of ctx.runs: CSV rows/s and orders/s, and the ratio
import time / raw COPY time, the raw COPY being a plain `COPY campaigns_conversion FROM STDIN`
of the rows the import stores (read into a buffer before the clock starts; rolled back).
"""

import io
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.files import File
from django.db import connection, transaction

from campaigns import tracking
from campaigns.models import Campaign, Conversion, RosterEntry
from creators.importing.services import import_job_create, import_job_run
from creators.models import ImportJob, ImportStatus
from matchmaker.lib.pgcopy import COPY_NULL, frame_to_copy_buffer
from tests.bench import bench_redirect
from tests.bench.run import BenchContext, Result

PREFIX = "benchorder"


def _write_export(path: Path, rows: int, run: int, codes: list[str], links: list[str]):
    """Write the export; return (its orders as Conversion stores them, the number of rows)."""
    rng = np.random.default_rng(run)
    orders = int(rows / 1.5)
    lines = rng.integers(1, 3, orders)  # 1 or 2 line items: 1.5 rows per order
    names = [f"#{PREFIX}{run}-{i}" for i in range(orders)]
    totals = np.round(rng.uniform(15, 250, orders), 2)
    created = pd.Timestamp.now(tz="UTC").floor("s") - pd.to_timedelta(
        rng.integers(0, 20 * 86400, orders), unit="s"
    )
    match = rng.integers(0, 3, orders)  # 0: discount code, 1: click id, 2: nothing
    pick = rng.integers(0, len(codes), orders)
    discount = [codes[p] if m == 0 else "" for m, p in zip(match, pick, strict=True)]
    landing = [
        f"/products/serum?mm_click={tracking.new_click_id(links[p])}" if m == 1 else "/"
        for m, p in zip(match, pick, strict=True)
    ]
    first = pd.DataFrame(
        {
            "Name": names,
            "Email": [f"buyer{i}@example.com" for i in range(orders)],
            "Financial Status": "paid",
            "Currency": "USD",
            "Subtotal": totals,
            "Total": totals,
            "Discount Code": discount,
            "Created at": created.strftime("%Y-%m-%d %H:%M:%S %z"),
            "Lineitem quantity": 1,
            "Lineitem name": "Glow Serum 30ml",
            "Billing Name": [f"Buyer {i}" for i in range(orders)],
            "Refunded Amount": "0.00",
            "Landing Site": landing,
        }
    )
    second = pd.DataFrame(
        {"Name": [n for n, k in zip(names, lines, strict=True) if k == 2]}
    ).assign(**{"Lineitem quantity": 1, "Lineitem name": "Night Cream 50ml"})
    export = pd.concat([first, second]).sort_values("Name", kind="stable")
    export.to_csv(path, index=False)
    stored = pd.DataFrame(
        {
            "order_id": names,
            "amount": totals,
            "refunded_amount": 0,
            "currency": "USD",
            "occurred_at": created,
            "source": Conversion.Source.ORDERS_IMPORT,
            "attributed_by": "",
            "click_id": "",
            "promo_code": discount,
            "utm_content": "",
            "status": Conversion.Status.APPROVED,
        }
    )
    return stored, len(export)


def _raw_copy_seconds(stored: pd.DataFrame, campaign: Campaign) -> float:
    now = pd.Timestamp.now(tz="UTC")
    frame = stored.assign(
        order_id=stored["order_id"] + "raw", campaign_id=campaign.pk, created_at=now, updated_at=now
    )
    text = io.StringIO(frame_to_copy_buffer(frame).getvalue())
    quoted = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.cursor.copy_expert(
            f"COPY campaigns_conversion ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '{COPY_NULL}')",
            text,
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def _one(rows: int, run: int, directory: Path, campaign: Campaign, codes, links) -> dict:
    path = directory / f"orders_{rows}_{run}.csv"
    stored, written = _write_export(path, rows, run, codes, links)
    started = time.perf_counter()
    with path.open("rb") as handle:
        job = import_job_create(
            kind="orders",
            file=File(handle, name=path.name),
            original_name=path.name,
            scope={"campaign_id": campaign.pk},
        )
    job = import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    if job.status != ImportStatus.SUCCEEDED or job.rows_created != len(stored):
        raise RuntimeError(f"benchmark orders import failed: {job.status} {job.message}")
    attributed = Conversion.objects.filter(
        campaign=campaign, order_id__startswith=f"#{PREFIX}{run}-", entry__isnull=False
    ).count()
    job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).delete()
    Conversion.objects.filter(campaign=campaign, order_id__startswith=f"#{PREFIX}").delete()
    raw = _raw_copy_seconds(stored, campaign)
    os.remove(path)
    return {
        "seconds": elapsed,
        "raw": raw,
        "rows": written,
        "orders": len(stored),
        "attributed": attributed,
    }


def run(ctx: BenchContext) -> list[Result]:
    code = bench_redirect._ensure_links()[0]
    campaign = Campaign.objects.get(roster__links__code=code)
    entries = RosterEntry.objects.filter(campaign=campaign).exclude(promo_code="")
    codes = list(entries.values_list("promo_code", flat=True))
    links = list(
        entries.filter(links__deliverable__isnull=True).values_list("links__code", flat=True)
    )
    rows = 200_000 if ctx.full else 50_000
    Conversion.objects.filter(campaign=campaign, order_id__startswith=f"#{PREFIX}").delete()
    with tempfile.TemporaryDirectory() as tmp:
        runs = [_one(rows, r, Path(tmp), campaign, codes, links) for r in range(ctx.runs)]
    seconds = statistics.median(r["seconds"] for r in runs)
    raw = statistics.median(r["raw"] for r in runs)
    written, orders = runs[0]["rows"], runs[0]["orders"]
    each = ", ".join(f"{r['seconds']:.1f}s/{r['raw']:.2f}s" for r in runs)
    notes = (
        f"{written:,} CSV rows, {orders:,} orders ({runs[0]['attributed']:,} attributed);"
        f" median of {ctx.runs} (import/raw COPY: {each}); load average {os.getloadavg()[0]:.1f}"
    )
    return [
        Result(f"import orders {rows // 1000}k rows", written / seconds, "rows/s", notes=notes),
        Result(f"import orders {rows // 1000}k: orders/s", orders / seconds, "orders/s"),
        Result(f"import orders {rows // 1000}k vs raw COPY", seconds / raw, "x", notes=notes),
    ]
