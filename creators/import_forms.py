"""Forms of the staff import pages: the upload, and the column mapping on the preview."""

from django import forms

from creators.importing.columns import DERIVED_PREFIX, Detection
from creators.importing.readers import ACCEPTED_SUFFIXES
from creators.importing.registry import KindSpec, kinds
from creators.importing.uploads import content_problem, max_upload_mb, size_problem
from creators.models import Platform


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=())
    platform = forms.ChoiceField(
        choices=[("", "From a column in the file"), *Platform.choices],
        required=False,
        help_text="Used for rows without a platform column.",
    )
    file = forms.FileField(
        help_text=(
            "CSV (comma, semicolon or tab separated), .xlsx, or JSON / JSON Lines (also .json.xz), "
            f"up to {max_upload_mb()} MB."
        )
    )
    sheet = forms.CharField(
        required=False, max_length=100, help_text="Worksheet of a workbook (default: the first)."
    )
    skip_invalid = forms.BooleanField(
        required=False,
        label="Skip invalid rows",
        help_text="Import the valid rows and list the rejected ones.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Kinds other apps register (outcomes) have their own upload page with their scope.
        self.fields["kind"].choices = [
            (name, spec.label)
            for name, spec in kinds().items()
            if name in ("profiles", "posts", "audience", "followers", "comments")
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ACCEPTED_SUFFIXES):
            raise forms.ValidationError(f"Upload a {', '.join(ACCEPTED_SUFFIXES)} file.")
        problem = size_problem(upload.size, "The file") or content_problem(upload, "The file")
        if problem:
            raise forms.ValidationError(problem)
        return upload


class MappingForm(forms.Form):
    """One select per field of the kind: which column of the file feeds it."""

    remember = forms.BooleanField(
        required=False, initial=True, label="Remember this mapping for files with these columns"
    )

    def __init__(
        self,
        *args,
        spec: KindSpec,
        headers: list[str],
        mapping: dict[str, str],
        have_platform: bool,
        detection: Detection | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.spec = spec
        choices = [("", "— not in the file —"), *[(h, h) for h in headers]]
        # Fields the detector is not sure of (the preview asks about these).
        self.unsure: list[str] = []
        for field in spec.fields:
            field_choices = choices
            if field.name == "handle":
                field_choices = [*choices, *_derived_choices(mapping)]
            # A kind that reshapes (audience wide layout) may not need these columns by name.
            required = (
                field.required
                and not (field.name == "platform" and have_platform)
                and spec.reshape is None
            )
            help_text = ""
            if detection is not None:
                choice = detection.choices.get(field.name)
                if choice is not None and not choice.sure:
                    self.unsure.append(field.name)
                if choice is not None or field.name in detection.notes:
                    help_text = detection.explain(field.name)
            if field.help:
                help_text = f"{help_text}; {field.help}" if help_text else field.help.capitalize()
            self.fields[f"map_{field.name}"] = forms.ChoiceField(
                choices=field_choices,
                required=required,
                initial=mapping.get(field.name, ""),
                label=field.name.replace("_", " ").capitalize() + (" *" if required else ""),
                help_text=help_text,
            )
        self.order_fields([f"map_{f.name}" for f in spec.fields] + ["remember"])

    def clean(self):
        cleaned = super().clean()
        used: dict[str, str] = {}
        for field in self.spec.fields:
            column = cleaned.get(f"map_{field.name}")
            if column and column in used:
                self.add_error(
                    f"map_{field.name}", f"Column {column!r} already feeds {used[column]}."
                )
            elif column:
                used[column] = field.name
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {f.name: self.cleaned_data.get(f"map_{f.name}") or "" for f in self.spec.fields}


def _derived_choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    """Handles derived from the display-name column (or the one the detector proposed)."""
    sources = []
    handle = mapping.get("handle", "")
    if handle.startswith(DERIVED_PREFIX):
        sources.append(handle[len(DERIVED_PREFIX) :])
    if mapping.get("display_name"):
        sources.append(mapping["display_name"])
    return [
        (DERIVED_PREFIX + source, f"Derived from the names in {source}")
        for source in dict.fromkeys(sources)
    ]
