"""Importing creator data from CSV/XLSX/JSON files: profiles, posts, audience shares, follower samples.

Modules: readers (files -> row chunks; jsonfiles for JSON, JSON Lines and .json.xz), columns (which
column feeds which field: header words, synonyms, evidence), content (what a column's values look
like, for columns), presets (the mappings of known exports), values (THE parser of human
numbers/shares/handles/platforms/countries/dates), registry (KindSpec and the registry of kinds),
kinds/ (the four built-in kinds, one module each), services (import_job_create, import_job_run,
resolve_detection, mapping_remember). The task is creators.tasks.run_import(job_id).

Registering another kind (e.g. "outcomes" from campaigns) without copying this machinery:

    from creators.importing.registry import FieldSpec, KindSpec, ApplyResult, register
    from creators.importing.values import normalise_handle, parse_count

    def validate(frame, ctx):   # parsed rows, index = file row number; ctx.scope["campaign_id"]
        return frame, []        # (clean frame, [Rejection(row, column, value, reason)])

    def apply(frame, ctx):      # inside the import transaction; set-based writes
        return ApplyResult(created=..., updated=..., unchanged=...)

    OUTCOMES = KindSpec("outcomes", "Campaign results",
                        (FieldSpec("handle", normalise_handle, True, ("username",)), ...),
                        validate, apply)

A kind may also pass chunk_writer=... (registry.ChunkWriter) to have its chunks written while
the rest of the file is read; profiles does on PostgreSQL.

Register it from the app's AppConfig.ready(): register(OUTCOMES). Create jobs with
import_job_create(kind="outcomes", scope={"campaign_id": ...}, ...): the job, progress, error
report, all-or-nothing and skip-invalid behaviour come for free.
"""
