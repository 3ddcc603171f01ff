"""Profile-level averages as exports give them (a top-creators export shaped like HypeAuditor's:
handle in "Instagram name", display name in "Name", "Engagement avg", "Authentic engagement")
feed the engagement fallback as the source's figure."""

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creators.models import Creator, ImportJob, ImportStatus
from scoring.metrics.engagement import engagement_rates

TOP_CREATORS = (
    "S.no,Instagram name,Name,Category_1,Subscribers,Audience country(mostly),"
    "Authentic engagement,Engagement avg.\n"
    "1,cristiano,Cristiano Ronaldo,Sports,400M,India,5.4M,6.6M\n"
    "2,kyliejenner,Kylie 🤍,Fashion,300M,United States,4.2M,\n"
    "3,leomessi,Leo Messi,Sports,306.3M,Argentina,,\n"
    "4,selenagomez,Selena Gomez,Music & Dance,1.2K,United States,80,5K\n"
)
pytestmark = pytest.mark.django_db


def test_engagement_averages_become_the_sources_rate_and_feed_the_fallback(run_import):
    job = run_import("profiles", TOP_CREATORS, name="top.csv", platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    by_handle = {c.handle: c for c in Creator.objects.all()}
    assert by_handle["cristiano"].display_name == "Cristiano Ronaldo"
    assert by_handle["cristiano"].followers == 400_000_000
    # The audience's country is not the creator's.
    assert by_handle["cristiano"].country == ""

    rates = {h: c.reported_engagement_rate for h, c in by_handle.items()}
    assert rates["cristiano"] == pytest.approx(6.6e6 / 400e6)
    # No average: the authentic engagements; neither: no rate; larger than followers: none.
    assert rates["kyliejenner"] == pytest.approx(4.2e6 / 300e6)
    assert rates["leomessi"] is None and rates["selenagomez"] is None
    creators = pd.DataFrame(
        list(
            Creator.objects.values(
                "id", "followers", "avg_likes", "avg_comments", "reported_engagement_rate"
            )
        )
    )
    posts = pd.DataFrame(columns=["creator_id", "posted_at", "likes", "comments", "views"])
    out = engagement_rates(creators, posts)
    cristiano = out.loc[by_handle["cristiano"].pk]
    assert bool(cristiano["er_from_profile"]) and cristiano["er_median"] == pytest.approx(0.0165)


def test_the_preview_says_the_audience_country_is_read_not_stored(world, client_for):
    client = client_for(world.staff)
    client.post(
        reverse("creators:imports"),
        {
            "kind": "profiles",
            "platform": "instagram",
            "file": SimpleUploadedFile("top.csv", TOP_CREATORS.encode()),
        },
    )
    job = ImportJob.objects.get()
    form = client.get(reverse("creators:import_preview", args=[job.pk])).context["form"]
    assert form["map_audience_top_country"].initial == "Audience country(mostly)"
    assert "not stored by a profiles import" in form["map_audience_top_country"].help_text
    assert form["map_country"].initial == ""
    assert "the source's engagement rate" in form["map_avg_engagements"].help_text
