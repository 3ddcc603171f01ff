"""Import jobs for staff: create one by uploading a file (queued to the import worker), read
its status, counts and row errors. The import services do all the work."""

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from creators.importing.services import import_job_create, import_job_queue
from creators.importing.uploads import content_problem, size_problem
from creators.models import ImportJob, ImportKind, Platform
from matchmaker.api.permissions import IsStaff


class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "platform", "original_name", "sheet", "mapping", "skip_invalid",
            "status", "rows_total", "rows_read", "rows_created", "rows_updated",
            "rows_unchanged", "rows_rejected", "error_count", "errors", "message", "attempts",
            "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k for k in ImportKind.choices if k[0] != "outcomes"])
    file = serializers.FileField()
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True)
    skip_invalid = serializers.BooleanField(required=False, default=False)
    sheet = serializers.CharField(required=False, allow_blank=True, max_length=100)
    mapping = serializers.JSONField(
        required=False, help_text="Optional {field: header}; otherwise detected from headers."
    )

    def validate_file(self, value):
        problem = size_problem(value.size, value.name) or content_problem(value, value.name)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_mapping(self, value):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise serializers.ValidationError("Give the mapping as an object of field: header.")
        return value


class ImportJobList(generics.ListCreateAPIView):
    """Import jobs, newest first; POST a multipart upload to create and queue one."""

    permission_classes = [IsStaff]
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser]  # a file upload; the other endpoints take JSON
    filterset_fields = ["kind", "status"]
    queryset = ImportJob.objects.catalogue().order_by("-created_at", "-id")

    @extend_schema(request=ImportUploadSerializer, responses={201: ImportJobSerializer})
    def post(self, request, *args, **kwargs):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            with transaction.atomic():
                job = import_job_create(
                    kind=data["kind"],
                    file=data["file"],
                    original_name=data["file"].name,
                    user=request.user,
                    platform=data.get("platform") or "",
                    mapping=data.get("mapping"),
                    skip_invalid=data["skip_invalid"],
                    sheet=data.get("sheet") or "",
                )
                import_job_queue(job=job)
        except ValueError as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)


class ImportJobDetail(generics.RetrieveAPIView):
    """One import job: poll `status`; `errors` lists rejected rows with the reason."""

    permission_classes = [IsStaff]
    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.catalogue()
