"""Staff pages of the importer: history + upload, preview + mapping, progress, error report.

Non-staff users get a 404 (the pages do not exist for them); anonymous users go to log in.
The pages hold the catalogue's imports only: an organisation's results uploads are its private
data, listed on its campaign's results page.
"""

from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from creators.import_forms import ImportUploadForm, MappingForm
from creators.importing.content import SAMPLE_ROWS
from creators.importing.presets import presets_for
from creators.importing.readers import ImportFileError, read_table
from creators.importing.registry import get_kind
from creators.importing.services import (
    import_job_create,
    import_job_queue,
    mapping_remember,
    resolve_detection,
)
from creators.models import ImportJob, ImportStatus
from matchmaker.lib.csv_export import Column, export_response
from matchmaker.lib.htmx import wants_partial

PREVIEW_ROWS = 10
ERROR_COLUMNS = (Column("row", "count"), Column("column"), Column("value"), Column("reason"))


def staff_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@staff_required
@require_http_methods(["GET", "POST"])
def imports(request):
    """Import history and the upload form."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                kind=form.cleaned_data["kind"],
                file=upload,
                original_name=upload.name,
                user=request.user,
                platform=form.cleaned_data["platform"],
                skip_invalid=form.cleaned_data["skip_invalid"],
                sheet=form.cleaned_data["sheet"],
            )
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("creators:import_preview", pk=job.pk)
    jobs = ImportJob.objects.catalogue().select_related("created_by").defer("errors")
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(request, "creators/imports/index.html", {"form": form, "page": page})


@staff_required
@require_http_methods(["GET", "POST"])
def preview(request, pk: int):
    """The first rows of the file, the detected mapping to confirm or override, then run."""
    job = get_object_or_404(ImportJob.objects.catalogue(), pk=pk)
    if job.status != ImportStatus.PENDING:
        return redirect("creators:import_detail", pk=job.pk)
    spec = get_kind(job.kind)
    presets = presets_for(job.kind)
    # A preset chosen by hand (?preset=); an unknown name is no choice.
    preset = request.GET.get("preset", "")
    if preset not in {p.name for p in presets}:
        preset = ""
    try:
        table = read_table(job.file.path, sheet=job.sheet or None)
        first = next(islice(table.chunks, 1), None)
        rows = [] if first is None else list(first.head(PREVIEW_ROWS).itertuples(name=None))
        sample = None if first is None else first.head(SAMPLE_ROWS)
        detection = resolve_detection(table.headers, spec, sample=sample, preset=preset)
    except (ImportFileError, OSError) as exc:
        job.status, job.message = ImportStatus.FAILED, str(exc)
        job.save(update_fields=["status", "message"])
        messages.error(request, str(exc))
        return redirect("creators:import_detail", pk=job.pk)
    form = MappingForm(
        request.POST or None,
        spec=spec,
        headers=table.headers,
        mapping=detection.mapping,
        have_platform=bool(job.platform),
        detection=detection,
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        job.mapping = mapping
        job.save(update_fields=["mapping"])
        if form.cleaned_data["remember"]:
            mapping_remember(
                kind=job.kind,
                headers=table.headers,
                mapping={k: v for k, v in mapping.items() if v},
            )
        import_job_queue(job=job)
        return redirect("creators:import_detail", pk=job.pk)
    context = {
        "job": job,
        "headers": table.headers,
        "rows": rows,
        # Kept because something is past the header's width, which the reader does not read.
        "cells_past_header": [row[0] for row in rows if all(v is None for v in row[1:])],
        "form": form,
        "detected": detection.mapping,
        "unsure": form.unsure,
        "presets": presets,
        "preset": next((p for p in presets if p.name == detection.preset), None),
        "preset_chosen": preset,
    }
    return render(request, "creators/imports/preview.html", context)


@staff_required
@require_GET
def detail(request, pk: int):
    """Progress while the job runs (htmx polls the partial), then the result."""
    job = get_object_or_404(ImportJob.objects.catalogue(), pk=pk)
    context = {"job": job, "errors": job.errors[:100]}
    if wants_partial(request):
        return render(request, "creators/imports/partials/progress.html", context)
    return render(request, "creators/imports/detail.html", context)


@staff_required
@require_GET
def errors_csv(request, pk: int):
    """The rejected rows as CSV: row, column, value, reason."""
    job = get_object_or_404(ImportJob.objects.catalogue(), pk=pk)
    rows = ([e["row"], e["column"], e["value"], e["reason"]] for e in job.errors)
    return export_response(f"import-{job.pk}-rejected.csv", ERROR_COLUMNS, rows)
