"""Import services: create a job for an uploaded file, queue it, and run it.

import_job_run writes every clean row in ONE transaction: a failure or a killed worker leaves
the catalogue as it was, and rerunning the job starts over cleanly. All-or-nothing unless the job
has skip_invalid. Progress is saved per chunk read, outside that transaction.

A kind with a chunk_writer (profiles) is pipelined: while this thread parses and
checks chunk N+1, a writer thread has the database write chunk N, in the one transaction, on a
connection of its own; a rejected row in an all-or-nothing job rolls it back, and reading goes on
to list every rejection. Other kinds, and any run inside a caller's transaction, read and check
the whole file first, then write it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone

from creators.importing.columns import (
    DERIVED_PREFIX,
    Detection,
    detect,
    header_signature,
    missing_required,
)
from creators.importing.content import SAMPLE_ROWS, slug_handle
from creators.importing.jsonfiles import looks_like_json
from creators.importing.presets import fitting_preset, get_preset
from creators.importing.readers import (
    ACCEPTED_SUFFIXES,
    CHUNK_ROWS,
    ImportFileError,
    read_table,
)
from creators.importing.registry import (
    ApplyResult,
    ChunkWriter,
    ImportContext,
    KindSpec,
    Rejection,
    get_kind,
)
from creators.importing.uploads import content_problem, size_problem
from creators.importing.values import parse_distinct
from creators.models import Creator, ImportJob, ImportStatus, SavedMapping
from matchmaker.celery import delay_on_commit
from matchmaker.lib import formatting
from matchmaker.lib.pgstats import analyze_models

logger = logging.getLogger(__name__)
MAX_LISTED_ERRORS = 10_000
# Pipelined imports read smaller chunks: the first chunk's parsing and the last chunk's writing
# do not overlap anything. At most PIPELINE_QUEUE prepared chunks wait for the writer.
PIPELINE_CHUNK_ROWS = 10_000
PIPELINE_QUEUE = 2
# The recompute of what an import changed is sent by task name: the catalogue does not import
# the scoring app. At most RECOMPUTE_BATCH ids go in one message.
RECOMPUTE_METRICS = "scoring.tasks.recompute_creator_metrics"
# How the audience reacts (comments, replies, pods, ad fatigue) of the same creators.
RECOMPUTE_REACTIONS = "scoring.tasks.recompute_creator_reactions"
# Queued by name: creators.tasks imports this module to run the job.
RUN_IMPORT = "creators.tasks.run_import"
RECOMPUTE_BATCH = 1000


def import_job_create(
    *,
    kind: str,
    file: File,
    original_name: str,
    user=None,
    platform: str = "",
    mapping: dict | None = None,
    skip_invalid: bool = False,
    sheet: str = "",
    scope: dict | None = None,
) -> ImportJob:
    """Store the uploaded file and a pending job. Raises ValueError for a kind, type or size we
    do not accept."""
    get_kind(kind)
    if not original_name.lower().endswith(ACCEPTED_SUFFIXES):
        raise ValueError(f"{original_name}: upload a {', '.join(ACCEPTED_SUFFIXES)} file.")
    problem = size_problem(getattr(file, "size", None), original_name) or content_problem(
        file, original_name
    )
    if problem:
        raise ValueError(problem)
    job = ImportJob(
        kind=kind,
        platform=platform or "",
        original_name=original_name[:255],
        mapping=mapping or {},
        skip_invalid=skip_invalid,
        sheet=sheet or "",
        scope=scope or {},
        created_by=user if getattr(user, "pk", None) else None,
    )
    job.file.save(Path(original_name).name, file, save=False)
    job.save()
    return job


def import_job_queue(*, job: ImportJob) -> None:
    """Send the job to the import worker once the current transaction commits. Until a job is
    queued (a catalogue upload waiting for its preview to be confirmed) nothing runs it, the
    stale-job check (creators.stale_jobs) included."""
    job.queued_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(queued_at=job.queued_at)
    delay_on_commit(RUN_IMPORT, job.pk)


def resolve_mapping(
    headers: list[str],
    spec: KindSpec,
    given: dict | None = None,
    sample: pd.DataFrame | None = None,
) -> dict[str, str]:
    """The mapping to use (resolve_detection's)."""
    return resolve_detection(headers, spec, given, sample).mapping


def _column_named(value: str, headers: list[str]) -> bool:
    source = value[len(DERIVED_PREFIX) :] if value.startswith(DERIVED_PREFIX) else value
    return source in headers


def resolve_detection(
    headers: list[str],
    spec: KindSpec,
    given: dict | None = None,
    sample: pd.DataFrame | None = None,
    preset: str = "",
) -> Detection:
    """Detected from the headers and a sample of rows (columns.detect), then the preset's
    columns (the one named, else one the headers fit: presets), then the remembered mapping for
    these headers, then the given overrides (an empty value un-maps a field); each with its
    evidence. Raises ImportFileError for a preset the kind does not have."""
    detection = detect(headers, spec, sample)
    try:
        chosen = get_preset(preset, spec.name) if preset else fitting_preset(headers, spec.name)
    except ValueError as exc:
        raise ImportFileError(str(exc)) from exc
    if chosen is not None:
        detection.preset = chosen.name
        how = "chosen" if preset else "the headers fit it"
        for field, column in chosen.mapping(headers).items():
            detection.override(field, column, f"preset {chosen.label!r} ({how})")
    saved = SavedMapping.objects.filter(
        kind=spec.name, header_signature=header_signature(headers)
    ).first()
    if saved:
        for field, column in saved.mapping.items():
            if column and _column_named(column, headers):
                detection.override(
                    field, column, "remembered from the last file with these columns"
                )
    for field, column in (given or {}).items():
        if not column:
            detection.drop(field, "left out by hand")
        elif not _column_named(column, headers):
            raise ImportFileError(f"Mapping for {field}: the file has no column {column!r}.")
        else:
            detection.override(field, column, "chosen by hand")
    return detection


def job_detection(job: ImportJob) -> Detection:
    """What the job's file maps to, with the evidence (read from its first SAMPLE_ROWS rows)."""
    table = read_table(job.file.path, sheet=job.sheet or None)
    first = next(table.chunks, None)
    sample = None if first is None else first.head(SAMPLE_ROWS)
    return resolve_detection(
        table.headers, get_kind(job.kind), job.mapping, sample, job.scope.get("preset", "")
    )


def parse_chunk(
    raw: pd.DataFrame, mapping: dict[str, str], spec: KindSpec
) -> tuple[pd.DataFrame, list[Rejection]]:
    """Parse each mapped column with its field's parser. A row with any bad or missing required
    value is rejected with the column and the reason.

    Each distinct value of a column is parsed once (parse_distinct: vectorised for the common
    shapes) and the results are spread back over the rows by their factorize codes."""
    rejections: list[Rejection] = []
    parsed = pd.DataFrame(index=raw.index)
    rows = raw.index.to_numpy()
    bad = np.zeros(len(raw), dtype=bool)
    for field in spec.fields:
        column = mapping.get(field.name)
        if column is None or (column not in raw and not column.startswith(DERIVED_PREFIX)):
            continue
        parser = field.parser or _same_value
        if column.startswith(DERIVED_PREFIX):
            column, parser = column[len(DERIVED_PREFIX) :], slug_handle
            if column not in raw:
                continue
        series = raw[column]
        if isinstance(series, pd.DataFrame):  # the header row names this column twice
            series = series.iloc[:, 0]
        codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
        with_nul = _nul_positions(uniques)
        if with_nul:
            uniques = uniques.copy()
            shown = {p: str(uniques[p]).replace("\x00", "\\x00") for p in with_nul}
            uniques[with_nul] = None  # parsed as empty; the row is rejected below
        results, errors = parse_distinct(parser, uniques)
        for position in with_nul:
            errors[position] = NUL_REASON
            uniques[position] = shown[position]
        # codes of -1 (empty cells) pick the trailing None.
        values = np.append(results, None)[codes]
        failed = np.zeros(len(raw), dtype=bool)
        if errors:
            failed = np.isin(codes, np.fromiter(errors, dtype=np.int64, count=len(errors)))
            for position in np.flatnonzero(failed):
                code = codes[position]
                reason = errors[int(code)]
                rejections.append(
                    Rejection(int(rows[position]), column, str(uniques[code])[:100], reason)
                )
        if field.required:
            missing = pd.isna(values) & ~failed
            for position in np.flatnonzero(missing):
                rejections.append(
                    Rejection(int(rows[position]), column, "", f"{field.name} is required")
                )
            failed |= missing
        bad |= failed
        parsed[field.name] = pd.Series(values, index=raw.index, dtype=object)
    if bad.any():
        # A row is rejected as a whole: every parsed row from the same file row goes with it.
        bad = raw.index.isin(rows[bad])
    return parsed[~bad], rejections


def _same_value(value):
    return value


NUL_REASON = "contains a NUL character (\\x00): a cell cannot hold one"


def _nul_positions(uniques: np.ndarray) -> list[int]:
    """Positions of the values holding a NUL, which a database text column cannot store (a C
    parser would cut the value there: "be\\x00fore" would become "be"). One scan of the joined
    text finds out whether there is any."""
    try:
        joined = "".join(uniques)
    except TypeError:  # not all text (a workbook's numbers and dates)
        joined = "".join(v for v in uniques if isinstance(v, str))
    if "\x00" not in joined:
        return []
    return [p for p, v in enumerate(uniques) if isinstance(v, str) and "\x00" in v]


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a job: a job that already succeeded is left alone (redelivered task)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status == ImportStatus.SUCCEEDED:
            return job
        job.status = ImportStatus.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = timezone.now()
        job.rows_read = job.rows_created = job.rows_updated = job.rows_unchanged = 0
        job.rows_rejected = job.error_count = 0
        job.errors, job.message, job.finished_at = [], "", None
        job.save()
    try:
        return _run(job)
    except ImportFileError as exc:
        return _finish(job, ImportStatus.FAILED, str(exc))
    except BaseException:
        # Anything else, also the process being stopped (a soft time limit, a request's worker
        # timing out: SystemExit, Ctrl-C): the job must not stay "running". The rows and the
        # job's success are committed together, so a job not marked succeeded wrote nothing.
        logger.exception("import job %s crashed", job.pk)
        _fail_crashed(job)
        raise


CRASHED = "The import failed unexpectedly; nothing was written."


def _fail_crashed(job: ImportJob) -> None:
    try:
        ImportJob.objects.filter(pk=job.pk).exclude(status=ImportStatus.SUCCEEDED).update(
            status=ImportStatus.FAILED, message=CRASHED, finished_at=timezone.now()
        )
    except Exception:  # the database itself is why it crashed: the stale-job check will see it
        logger.exception("import job %s: could not record the crash", job.pk)


def _finish(
    job: ImportJob, status: str, message: str, rejections: list[Rejection] | None = None
) -> ImportJob:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    if rejections is not None:
        job.rows_rejected = rejected_rows(rejections)
        job.error_count = len(rejections)
        job.errors = [r.as_dict() for r in rejections[:MAX_LISTED_ERRORS]]
    job.save()
    return job


def _run(job: ImportJob) -> ImportJob:
    spec = get_kind(job.kind)
    ctx = ImportContext(platform=job.platform, scope=job.scope, user_id=job.created_by_id)
    # Writing chunk by chunk on a second connection needs this one outside any transaction:
    # a caller's transaction would neither be visible to that connection nor roll it back.
    writer = None
    if spec.chunk_writer is not None and not transaction.get_connection().in_atomic_block:
        writer = spec.chunk_writer(ctx)
    chunk_rows = PIPELINE_CHUNK_ROWS if writer is not None else CHUNK_ROWS
    table = read_table(job.file.path, sheet=job.sheet or None, chunk_rows=chunk_rows)
    job.rows_total = _estimate_rows(job.file.path)
    ImportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
    first = next(table.chunks, None)
    if first is not None:
        table.chunks = chain([first], table.chunks)
    sample = None if first is None else first.head(SAMPLE_ROWS)
    detection = resolve_detection(
        table.headers, spec, job.mapping, sample, job.scope.get("preset", "")
    )
    chunks = _parsed_chunks(job, spec, table, detection)
    if writer is not None:
        return _run_pipelined(job, chunks, writer)
    rejections: list[Rejection] = []
    frames: list[pd.DataFrame] = []
    for parsed, bad in chunks:
        rejections.extend(bad)
        frames.append(parsed)
    frame = pd.concat(frames) if frames else pd.DataFrame()
    frame, bad = spec.validate(frame, ctx)
    rejections.extend(bad)
    rejections.sort(key=lambda r: r.row)
    if rejections and not job.skip_invalid:
        return _fail_rejected(job, rejections)
    job.rows_total = job.rows_read
    with transaction.atomic():
        result = spec.apply(frame, ctx)
        _succeed(job, result, rejections)
    _after_commit(job, result)
    return job


def _parsed_chunks(
    job: ImportJob, spec: KindSpec, table, detection: Detection
) -> Iterator[tuple[pd.DataFrame, list[Rejection]]]:
    """Each chunk of the file parsed: (clean rows, rejections); progress saved per chunk."""
    mapping = detection.mapping
    first = True
    for raw in table.chunks:
        if spec.reshape is not None:
            raw = spec.reshape(raw, mapping)
        if first:
            _check_required(job, spec, table.headers, detection)
            first = False
        parsed = parse_chunk(raw, mapping, spec)
        job.rows_read += len(raw)
        # Progress is the heartbeat: a running job whose heartbeat stops has lost its worker.
        job.heartbeat_at = timezone.now()
        ImportJob.objects.filter(pk=job.pk).update(
            rows_read=job.rows_read, heartbeat_at=job.heartbeat_at
        )
        yield parsed
    if first:
        raise ImportFileError("The file has a header row but no data rows.")


def _check_required(job: ImportJob, spec: KindSpec, headers, detection: Detection) -> None:
    """A required field without a column, or whose column the detector is not sure of, fails
    the job with the list (and the evidence), before any row is written."""
    have_platform = bool(job.platform)
    missing = missing_required(detection.mapping, spec, have_platform=have_platform)
    # Handles derived from names when no column holds them, too few to judge: still missing.
    missing += [
        name
        for name, choice in detection.choices.items()
        if choice.derived and not choice.sure and spec.field(name).required
    ]
    if missing:
        names = ", ".join(f"{name} ({detection.explain(name)})" for name in missing)
        raise ImportFileError(
            f"No column for {names}. The file's columns are: {', '.join(headers)}. "
            "Map them on the preview page or with --mapping."
        )
    # A kind that reshapes (audience wide layout) makes its columns itself.
    unsure = [
        name
        for name in detection.uncertain(spec, have_platform=have_platform)
        if name in detection.mapping and name not in missing
    ]
    if unsure and spec.reshape is None:
        names = "; ".join(
            f"{name}: {detection.mapping[name]!r}, {detection.explain(name)}" for name in unsure
        )
        raise ImportFileError(
            f"Not sure which column holds {', '.join(unsure)} ({names}). "
            "Confirm them on the preview page or give them with --mapping."
        )


def _run_pipelined(job: ImportJob, chunks, writer: ChunkWriter) -> ImportJob:
    """Parse chunk N+1 here while a writer thread has the database write chunk N, in one
    transaction on the thread's own connection (this one keeps saving progress, visibly).
    Rejected rows in an all-or-nothing job roll the writer back; reading goes on to list them."""
    rejections: list[Rejection] = []
    with _WriterThread(writer) as pipeline:
        for parsed, bad in chunks:
            clean, more = writer.check(parsed)
            rejections.extend(bad)
            rejections.extend(more)
            if rejections and not job.skip_invalid:
                pipeline.abandon()
            elif len(clean):
                pipeline.send(writer.prepare(clean))
        rejections.sort(key=lambda r: r.row)
        if rejections and not job.skip_invalid:
            pipeline.abandon()
            return _fail_rejected(job, rejections)
        job.rows_total = job.rows_read
        result = pipeline.commit(lambda result: _succeed(job, result, rejections))
    _after_commit(job, result)
    return job


_COMMIT, _ABANDON = object(), object()


class _WriterThread:
    """A thread that runs writer.write(payload) for each payload sent, inside one transaction on
    its own database connection, and commits or rolls back when told. Errors on the thread are
    raised again on the sender's; leaving the with-block without commit() rolls back."""

    def __init__(self, writer: ChunkWriter):
        self.writer = writer
        self.queue: queue.Queue = queue.Queue(maxsize=PIPELINE_QUEUE)
        self.error: BaseException | None = None
        self.result: ApplyResult | None = None
        self.finish = None
        self.running = True  # until told to commit or roll back
        self.thread = threading.Thread(target=self._work, name="import-writer", daemon=True)

    def __enter__(self) -> _WriterThread:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.abandon()

    def send(self, payload: object) -> None:
        self._raise_error()
        if self.running:
            self.queue.put(payload)

    def abandon(self) -> None:
        """Roll back everything written and stop writing (reading may go on)."""
        if self.running:
            self.running = False
            self.queue.put(_ABANDON)
            self.thread.join()

    def commit(self, finish) -> ApplyResult:
        """Take the writer's result, call finish(result) in the same transaction, commit."""
        self.finish = finish
        self.running = False
        self.queue.put(_COMMIT)
        self.thread.join()
        self._raise_error()
        return self.result

    def _raise_error(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _work(self) -> None:
        item = None
        try:
            with transaction.atomic():
                while (item := self.queue.get()) is not _COMMIT:
                    if item is _ABANDON:
                        transaction.set_rollback(True)
                        return
                    self.writer.write(item)
                result = self.writer.result()
                self.finish(result)
                self.result = result
        except BaseException as exc:
            self.error = exc
            # Let a sender blocked on a full queue go on; it sees the error on its next send.
            while item is not _COMMIT and item is not _ABANDON:
                item = self.queue.get()
        finally:
            connection.close()


def rejected_rows(rejections: list[Rejection]) -> int:
    """The file rows rejected: a row with several bad cells has several rejections."""
    return len({r.row for r in rejections})


def rejection_summary(rejections: list[Rejection]) -> str:
    """ "3 rows rejected (6 errors)"; "1 row rejected" when each row has one error."""
    rows, errors = rejected_rows(rejections), len(rejections)
    text = f"{formatting.quantity(rows, 'row')} rejected"
    return text if errors == rows else f"{text} ({formatting.quantity(errors, 'error')})"


def _fail_rejected(job: ImportJob, rejections: list[Rejection]) -> ImportJob:
    first_bad = rejections[0]
    advice = "Fix the file or import with skip invalid rows."
    if not get_kind(job.kind).skip_invalid_offered:
        advice = "Fix the file and upload it again."
    return _finish(
        job,
        ImportStatus.FAILED,
        f"{rejection_summary(rejections)}, nothing imported (first: row {first_bad.row}, "
        f"{first_bad.column}: {first_bad.reason}). {advice}",
        rejections,
    )


def _succeed(job: ImportJob, result: ApplyResult, rejections: list[Rejection]) -> None:
    """Record the outcome; called inside the transaction that wrote the rows."""
    job.rows_created, job.rows_updated, job.rows_unchanged = (
        result.created,
        result.updated,
        result.unchanged,
    )
    count = formatting.count
    summary = (
        f"{count(result.created)} created, {count(result.updated)} updated, "
        f"{count(result.unchanged)} unchanged"
    )
    if rejections:
        summary += f", {rejection_summary(rejections)}"
    if result.created == result.updated == 0 and not rejections:
        summary = f"Nothing changed: all {count(result.unchanged)} already up to date."
    _finish(job, ImportStatus.SUCCEEDED, summary, rejections)


def _after_commit(job: ImportJob, result: ApplyResult) -> None:
    _analyze_written(job, result)
    _enqueue_changed(result)


def _analyze_written(job: ImportJob, result: ApplyResult) -> None:
    """After a bulk import (at least IMPORT_ANALYZE_MIN_ROWS rows created or updated), ANALYZE
    the tables the kind writes: autovacuum lags behind a large load, and until then the planner
    plans discovery with the old row counts. Smaller imports leave it to autovacuum."""
    changed = result.created + result.updated
    if changed and changed >= settings.IMPORT_ANALYZE_MIN_ROWS:
        analyze_models(get_kind(job.kind).writes)


def _enqueue_changed(result: ApplyResult) -> None:
    """After the commit: recompute the metrics and the audience reaction of the creators the
    import changed. The rows are committed by then, so a recompute that cannot be sent (or,
    in-process, fails) is logged and leaves the job's outcome as it is
    (matchmaker.celery.delay_on_commit)."""
    if not result.creator_ids:
        return
    for creator_ids in recompute_batches(result.creator_ids, catalogue=Creator.objects.count()):
        delay_on_commit(RECOMPUTE_METRICS, creator_ids)
        delay_on_commit(RECOMPUTE_REACTIONS, creator_ids)


def recompute_batches(creator_ids: set[int], *, catalogue: int) -> list[list[int] | None]:
    """The recompute messages for the creators an import changed: sorted batches of at most
    RECOMPUTE_BATCH ids, or one None (recompute all) once they are more than
    IMPORT_RECOMPUTE_ALL_PERCENT of the catalogue's `catalogue` creators. A million ids never
    travel in one message, nor land in one ScoreRun's scope."""
    if len(creator_ids) * 100 > settings.IMPORT_RECOMPUTE_ALL_PERCENT * catalogue:
        return [None]
    ids = sorted(creator_ids)
    return [ids[start : start + RECOMPUTE_BATCH] for start in range(0, len(ids), RECOMPUTE_BATCH)]


def _estimate_rows(path: str) -> int | None:
    """Line count of a CSV (minus the header) so the progress bar has a total; None for XLSX
    and JSON."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
        if head[:4] == b"PK\x03\x04" or looks_like_json(Path(path), head):
            return None
        handle.seek(0)
        lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    return max(lines - 1, 0) or None


def mapping_remember(*, kind: str, headers: list[str], mapping: dict[str, str]) -> SavedMapping:
    """Remember the confirmed mapping for the next file with the same header row."""
    saved, _ = SavedMapping.objects.update_or_create(
        kind=kind,
        header_signature=header_signature(headers),
        defaults={"headers": headers, "mapping": mapping},
    )
    return saved
