"""Confidence and evidence of the column detector: on the preview page (each field says why,
the page asks only about the unsure ones) and in import_creators' output (which fails listing
the unsure required fields)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from creators.models import Creator, ImportJob, ImportStatus

DATA = Path(__file__).resolve().parent.parent / "data"
YOUTUBE = DATA / "global_youtube_statistics_sample.csv"
# Two follower columns, one per network: which one is "followers" is a person's call.
TWO_NETWORKS = (
    b"username,IG followers,TikTok followers\nanna,1.2K,30K\nbob,900,12K\ncarl,48,7\ndora,10,20\n"
)
pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name: str, platform: str):
    data = {"kind": "profiles", "platform": platform, "file": SimpleUploadedFile(name, content)}
    return client.post(reverse("creators:imports"), data)


def test_the_preview_explains_each_choice_and_offers_derived_handles(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.staff)
    upload(client, YOUTUBE.read_bytes(), YOUTUBE.name, "youtube")
    job = ImportJob.objects.get()
    preview = client.get(reverse("creators:import_preview", args=[job.pk]))
    form = preview.context["form"]
    assert form["map_followers"].help_text == "header 'subscribers', 100% of values are counts"
    assert "handles derived from the names in 'Youtuber'" in form["map_handle"].help_text
    assert "'channel_type': only 0% of its values are platform names" in (
        form["map_platform"].help_text
    )
    assert preview.context["unsure"] == []
    html = preview.content.decode()
    assert 'value="derive:Youtuber" selected' in html
    assert "Derived from the names in Youtuber" in html
    assert "Not sure of" not in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("creators:import_preview", args=[job.pk]),
            {
                "map_handle": "derive:Youtuber",
                "map_display_name": "Youtuber",
                "map_followers": "subscribers",
                "map_country": "Country",
            },
        )
    job.refresh_from_db()
    # All or nothing: the one row whose name gives no handle fails the job, and says which.
    assert job.status == ImportStatus.FAILED
    assert "row 66, Youtuber: no handle can be derived" in job.message


def test_the_preview_asks_about_the_unsure_fields(world, client_for):
    client = client_for(world.staff)
    upload(client, TWO_NETWORKS, "two.csv", "instagram")
    job = ImportJob.objects.get()
    preview = client.get(reverse("creators:import_preview", args=[job.pk]))
    assert preview.context["unsure"] == ["followers"]
    html = preview.content.decode()
    assert "Not sure of followers: check it before running the import." in html
    assert (
        "fits almost as well (not sure: check it)"
        in preview.context["form"]["map_followers"].help_text
    )


def test_the_command_prints_the_evidence(tmp_path):
    out = StringIO()
    call_command(
        "import_creators",
        str(YOUTUBE),
        "--kind",
        "profiles",
        "--platform",
        "youtube",
        "--skip-invalid",
        stdout=out,
        stderr=StringIO(),
    )
    text = out.getvalue()
    assert "  followers <- 'subscribers'  (header 'subscribers', 100% of values are counts)" in text
    assert "  handle <- 'derive:Youtuber'  (no handle column: handles derived" in text
    assert "  platform: -  (not 'channel_type': only 0% of its values are platform names)" in text
    assert "79 created" in text
    assert Creator.objects.filter(platform="youtube").count() == 79


def test_the_command_fails_listing_the_unsure_required_fields(tmp_path):
    path = tmp_path / "two.csv"
    path.write_bytes(TWO_NETWORKS)
    out = StringIO()
    with pytest.raises(CommandError, match="Not sure which column holds followers") as failure:
        call_command(
            "import_creators",
            str(path),
            "--kind",
            "profiles",
            "--platform",
            "instagram",
            stdout=out,
        )
    assert "'IG followers'" in str(failure.value) and "'TikTok followers'" in str(failure.value)
    assert "[not sure]" in out.getvalue()
    assert not Creator.objects.exists()
    # Given by hand, the same file imports.
    call_command(
        "import_creators",
        str(path),
        "--kind",
        "profiles",
        "--platform",
        "instagram",
        "--mapping",
        '{"followers": "IG followers"}',
        stdout=StringIO(),
    )
    assert Creator.objects.get(handle="anna").followers == 1200
