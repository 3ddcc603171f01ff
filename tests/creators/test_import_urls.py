"""Only http(s) URLs are stored, and only those are rendered as links (issue 14 item 4).

`javascript:` and `data:` URLs through every import kind that stores a URL (profiles' profile
URL on the COPY path, posts' URL, results' post URL), through the results page's deliverable
form and the deliverable API, and in the admin's model validation; a value stored before the
check existed is repaired by the migration, and never rendered as a link."""

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import Deliverable, Outcome, Stage
from creators.importing.values import parse_distinct, url_parser
from creators.models import Creator, ImportStatus, Post
from matchmaker.lib.urls import stored_urls_repair
from tenancy.tokens import api_token_create
from tests import factories as f

HOSTILE = [
    "javascript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]


def _rejected(job, column: str, value: str) -> None:
    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"], e["value"]) for e in job.errors] == [(3, column, value)]
    assert job.errors[0]["reason"] == f"not an http(s) URL: {value[:60]!r}"


@pytest.mark.django_db(transaction=True)  # the pipelined COPY writer, as in production
@pytest.mark.parametrize("url", HOSTILE, ids=["javascript", "data"])
def test_profiles_import_refuses_a_non_http_profile_url(url, run_import):
    job = run_import(
        "profiles",
        f'handle,followers,profile_url\ngood,10,instagram.com/good\nbad,20,"{url}"\n',
        platform="instagram",
    )
    _rejected(job, "profile_url", url)
    assert not Creator.objects.exists()
    job = run_import(
        "profiles",
        "handle,followers,profile_url\ngood,10,instagram.com/good\n",
        platform="instagram",
    )
    assert job.status == ImportStatus.SUCCEEDED
    assert Creator.objects.get().profile_url == "https://instagram.com/good"  # scheme assumed


@pytest.mark.django_db
@pytest.mark.parametrize("url", HOSTILE, ids=["javascript", "data"])
def test_posts_import_refuses_a_non_http_post_url(url, run_import):
    f.CreatorFactory(handle="poster")
    job = run_import(
        "posts",
        "handle,post_id,posted_at,url\n"
        "poster,p1,2025-03-01,https://instagram.com/p/1\n"
        f'poster,p2,2025-03-02,"{url}"\n',
        platform="instagram",
    )
    _rejected(job, "url", url)
    assert not Post.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", HOSTILE, ids=["javascript", "data"])
def test_results_import_refuses_a_non_http_post_url(world, url, run_import):
    entry = f.RosterEntryFactory(
        campaign=world.campaign_a, creator=f.CreatorFactory(handle="lena"), stage=Stage.COMPLETED
    )
    job = run_import(
        "outcomes",
        f'handle,post_url,reach\nlena,https://instagram.com/p/A,10\nlena,"{url}",20\n',
        scope={"campaign_id": world.campaign_a.pk},
        platform="instagram",
    )
    _rejected(job, "post_url", url)
    assert not Outcome.objects.exists() and not Deliverable.objects.filter(entry=entry).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*HOSTILE, "ftp://files.example.com/post"])
def test_deliverable_form_and_api_refuse_a_non_http_url(world, client_for, url):
    entry = f.RosterEntryFactory(campaign=world.campaign_a, stage=Stage.CONTENT_LIVE)
    page = client_for(world.editor_a).post(
        reverse("campaigns:deliverable_add", args=[world.campaign_a.pk]),
        {"entry": entry.pk, "format": "reel", "post_url": url},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 422  # the form comes back with its errors (issue 18.4)
    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=world.editor_a, name='t')[1]}"
    )
    created = api.post(
        f"/api/v1/roster/{entry.pk}/deliverables/", {"format": "reel", "post_url": url}, "json"
    )
    assert created.status_code == 400, created.content
    assert not Deliverable.objects.exists()
    deliverable = f.DeliverableFactory(entry=entry, post_url="https://instagram.com/p/A")
    patched = api.patch(f"/api/v1/deliverables/{deliverable.pk}/", {"post_url": url}, "json")
    assert patched.status_code == 400
    deliverable.refresh_from_db()
    assert deliverable.post_url == "https://instagram.com/p/A"


@pytest.mark.django_db
def test_model_validation_refuses_them_for_the_admin():
    creator = f.CreatorFactory(profile_url=HOSTILE[0])
    with pytest.raises(ValidationError) as error:
        creator.full_clean()
    assert "profile_url" in error.value.message_dict


@pytest.mark.django_db
def test_stored_values_are_never_links_and_the_migration_repairs_them(world, client_for):
    creator = f.CreatorFactory(handle="legacy")
    post = f.PostFactory(creator=creator)
    entry = f.RosterEntryFactory(campaign=world.campaign_a, creator=creator)
    deliverable = f.DeliverableFactory(entry=entry)
    # As imports stored them before the check: straight into the table.
    Creator.objects.filter(pk=creator.pk).update(profile_url=HOSTILE[0])
    Post.objects.filter(pk=post.pk).update(url=HOSTILE[1])
    Deliverable.objects.filter(pk=deliverable.pk).update(post_url=HOSTILE[0])
    client = client_for(world.owner_a)
    profile = client.get(reverse("creators:detail", args=[creator.pk])).content.decode()
    results = client.get(reverse("campaigns:results", args=[world.campaign_a.pk])).content.decode()
    for html in (profile, results):
        assert "javascript:" not in html and "data:text/html" not in html
    assert "Open profile" not in profile

    other = f.CreatorFactory(handle="schemeless")
    Creator.objects.filter(pk=other.pk).update(profile_url="instagram.com/schemeless")
    assert stored_urls_repair(Creator, "profile_url") == 2
    assert stored_urls_repair(Post, "url") == 1
    assert stored_urls_repair(Deliverable, "post_url") == 1
    assert Creator.objects.get(pk=creator.pk).profile_url == ""
    assert Creator.objects.get(pk=other.pk).profile_url == "https://instagram.com/schemeless"
    assert Post.objects.get(pk=post.pk).url == ""
    assert stored_urls_repair(Creator, "profile_url") == 0
    profile = client.get(reverse("creators:detail", args=[other.pk])).content.decode()
    assert 'href="https://instagram.com/schemeless"' in profile


URL_CASES = [
    "https://instagram.com/p/A",
    " http://x.co ",
    "https://a-.com",
    "https://-a.com/x",
    "https://a.b-c.io/x?y=1#z",
    "https://" + "a" * 64 + ".com",
    "https://x.com/a b",
    "instagram.com/x",
    "https://x.com:8080/a",
    "https://xn--bcher-kva.example/",
    "https://bücher.de/x",
    "HTTPS://X.COM",
    "https://x.c",
    "https://1.2.3.4/x",
    "https://localhost/x",
    "https://x.com/" + "a" * 290,
    *HOSTILE,
]


def test_the_whole_column_check_agrees_with_the_full_check():
    """url_parser checks the common shape a column at a time; the rest go one by one: both
    give the same value or the same reason."""
    parser = url_parser(300)
    results, errors = parse_distinct(parser, np.array(URL_CASES, dtype=object))
    for position, case in enumerate(URL_CASES):
        try:
            expected, reason = parser(case), None
        except ValueError as exc:
            expected, reason = None, str(exc)
        assert (results[position], errors.get(position)) == (expected, reason), case
