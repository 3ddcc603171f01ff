"""python manage.py import_creators PATH --kind {profiles,posts,audience,followers,comments} ..."""

import json
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from creators.importing.presets import PRESETS
from creators.importing.readers import ImportFileError
from creators.importing.registry import get_kind, kinds
from creators.importing.services import import_job_create, import_job_run, job_detection
from creators.models import ImportStatus, Platform


class Command(BaseCommand):
    help = "Import creator data from a CSV or XLSX file (the same service as the web import)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--kind",
            required=True,
            choices=["profiles", "posts", "audience", "followers", "comments"],
        )
        parser.add_argument("--platform", choices=Platform.values, default="")
        parser.add_argument("--mapping", help='JSON: {"field": "Column in file"}', default="")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import valid rows, list the rejected ones."
        )
        parser.add_argument("--sheet", default="", help="Worksheet of an .xlsx file.")
        parser.add_argument(
            "--post",
            default="",
            help="Comments: the post (id or URL) of a file without a post column.",
        )
        parser.add_argument(
            "--preset",
            default="",
            choices=["", *(p.name for p in PRESETS)],
            help="The mapping of a known export (default: the one the headers fit, if any).",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        kinds()
        try:
            mapping = json.loads(options["mapping"]) if options["mapping"] else {}
        except json.JSONDecodeError as exc:
            raise CommandError(f"--mapping is not valid JSON: {exc}") from exc
        if not isinstance(mapping, dict):
            raise CommandError('--mapping must be a JSON object like {"handle": "Username"}')
        with path.open("rb") as handle:
            try:
                job = import_job_create(
                    kind=options["kind"],
                    file=File(handle, name=path.name),
                    original_name=path.name,
                    platform=options["platform"],
                    mapping=mapping,
                    skip_invalid=options["skip_invalid"],
                    sheet=options["sheet"],
                    scope=_scope(options),
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self._explain(job)
        job = import_job_run(job_id=job.pk)
        for error in job.errors[:50]:
            self.stderr.write(
                f"row {error['row']}, {error['column']} {error['value']!r}: {error['reason']}"
            )
        if len(job.errors) > 50:
            self.stderr.write(f"... and {len(job.errors) - 50} more errors")
        if job.status != ImportStatus.SUCCEEDED:
            raise CommandError(f"Import #{job.pk} failed: {job.message}")
        self.stdout.write(self.style.SUCCESS(f"Import #{job.pk}: {job.message}"))

    def _explain(self, job) -> None:
        """Each field's column and why (the preview's evidence); unsure ones are marked, and the
        run fails listing the required ones."""
        try:
            detection = job_detection(job)
        except ImportFileError:
            return  # the run reports what is wrong with the file
        if detection.preset:
            self.stdout.write(f"Preset: {detection.preset}")
        self.stdout.write("Columns:")
        for field in get_kind(job.kind).fields:
            column = detection.mapping.get(field.name)
            if column is None:
                if field.name in detection.notes:
                    self.stdout.write(f"  {field.name}: -  ({detection.explain(field.name)})")
                continue
            choice = detection.choices[field.name]
            mark = "" if choice.sure else "  [not sure]"
            self.stdout.write(f"  {field.name} <- {column!r}  ({choice.evidence}){mark}")


def _scope(options) -> dict | None:
    scope = {"preset": options["preset"], "post": options["post"]}
    return {key: value for key, value in scope.items() if value} or None
