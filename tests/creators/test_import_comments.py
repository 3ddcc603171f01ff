"""The comments import: posts matched by id or URL, commenters stored only as keyed hashes,
creator replies and reply threads, re-imports idempotent, bad rows named, in every format."""

import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import Workbook

from creators.commenters import commenter_key
from creators.importing import services
from creators.importing.services import import_job_create, import_job_run
from creators.models import Comment, ImportStatus
from tests.factories import CreatorFactory, PostFactory

DATA = Path(__file__).resolve().parent.parent / "data"
pytestmark = pytest.mark.django_db

GENERIC = (
    "comment_id,post_id,username,comment,timestamp,reply_to,likes\n"
    "c1,p100,@Alice_W,Love this recipe!,2025-05-01T10:00:00Z,,3\n"
    "c2,p100,bob.b,where can I buy it?,2025-05-01T10:05:00Z,,0\n"
    "c3,p100,chef_anna,It's linked in my bio,2025-05-01T11:00:00Z,c2,12\n"
    "c4,https://www.instagram.com/p/p200/,ALICE_W,again!,2025-05-02T09:00:00Z,,\n"
)


@pytest.fixture
def posts():
    anna = CreatorFactory(handle="chef_anna", platform="instagram")
    return {
        "p100": PostFactory(creator=anna, external_id="p100"),
        "p200": PostFactory(
            creator=anna, external_id="p200", url="https://www.instagram.com/p/p200/"
        ),
    }


def test_a_generic_file_imports_with_replies_and_creator_replies(run_import, posts):
    job = run_import("comments", GENERIC)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert (job.rows_created, job.rows_updated, job.rows_unchanged) == (4, 0, 0)
    rows = {c.external_id: c for c in Comment.objects.all()}
    assert rows["c1"].post == posts["p100"] and rows["c1"].creator == posts["p100"].creator
    assert rows["c4"].post == posts["p200"]  # by its URL
    assert rows["c3"].parent_external_id == "c2" and rows["c1"].parent_external_id == ""
    # The commenter is the post's creator: a creator reply, though no column says so.
    assert [c.external_id for c in rows.values() if c.is_creator_reply] == ["c3"]
    assert rows["c1"].text == "Love this recipe!" and rows["c1"].like_count == 3
    assert rows["c4"].like_count is None
    assert rows["c1"].created_at.isoformat() == "2025-05-01T10:00:00+00:00"
    # Case and the @ do not make another commenter.
    assert rows["c1"].commenter_key == rows["c4"].commenter_key == commenter_key("alice_w")
    assert rows["c2"].commenter_key != rows["c1"].commenter_key


def test_raw_commenter_handles_and_ids_are_stored_nowhere(run_import, posts):
    run_import("comments", GENERIC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM creators_comment")
        cells = " ".join(str(v) for row in cursor.fetchall() for v in row).lower()
    assert "alice" not in cells and "bob.b" not in cells
    assert len(commenter_key("bob.b")) == 64 and commenter_key("bob.b") in cells


def test_the_key_is_keyed(settings):
    first = commenter_key("@Bob")
    assert first == commenter_key(" bob ")
    settings.COMMENTER_HASH_KEY = "another key"
    assert commenter_key("bob") != first


def test_importing_the_same_file_again_changes_nothing_and_a_change_updates(run_import, posts):
    run_import("comments", GENERIC)
    again = run_import("comments", GENERIC)
    assert again.status == ImportStatus.SUCCEEDED, again.message
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 4)
    assert Comment.objects.count() == 4
    changed = run_import(
        "comments",
        GENERIC.replace(
            "Love this recipe!,2025-05-01T10:00:00Z,,3", "Love this recipe!,2025-05-01T10:00:00Z,,9"
        ),
    )
    assert (changed.rows_created, changed.rows_updated, changed.rows_unchanged) == (0, 1, 3)
    assert Comment.objects.get(external_id="c1").like_count == 9


def test_an_unknown_post_is_a_row_error_naming_row_column_value_and_reason(run_import, posts):
    job = run_import("comments", GENERIC + "c5,p999,dan,hi,2025-05-01T10:00:00Z,,\n")
    assert job.status == ImportStatus.FAILED
    assert job.errors == [
        {
            "row": 6,
            "column": "post",
            "value": "p999",
            "reason": "no stored post with the id or URL 'p999': import the posts first",
        }
    ]
    assert "row 6, post: no stored post" in job.message
    assert not Comment.objects.exists()  # all or nothing
    skipped = run_import(
        "comments", GENERIC + "c5,p999,dan,hi,2025-05-01T10:00:00Z,,\n", skip_invalid=True
    )
    assert skipped.status == ImportStatus.SUCCEEDED and skipped.rows_created == 4


def test_a_post_id_two_creators_share_needs_the_creator_or_platform(run_import, posts):
    PostFactory(creator=CreatorFactory(handle="other", platform="tiktok"), external_id="p100")
    job = run_import("comments", GENERIC)
    assert job.status == ImportStatus.FAILED
    assert "'p100' names 2 posts (@chef_anna on instagram, @other on tiktok)" in job.message
    job = run_import("comments", GENERIC, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    with_creator = "creator," + GENERIC.replace("\nc", "\nchef_anna,c")
    job = run_import("comments", with_creator)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.rows_unchanged == 4


def test_dates_out_of_range_and_bad_counts_are_row_errors(run_import, posts):
    content = (
        "comment_id,post_id,username,comment,timestamp,likes\n"
        "c1,p100,al,hi,9999-12-31,1\n"
        "c2,p100,al,hi,1999-01-01,1\n"
        "c3,p100,al,hi,2025-01-01,-4\n"
    )
    job = run_import("comments", content)
    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, "timestamp"),
        (3, "timestamp"),
        (4, "likes"),
    ]
    assert "2004-01-01" in job.errors[0]["reason"]
    assert job.errors[2]["reason"].startswith("negative count")


def test_a_reply_without_its_parent_and_a_duplicate_id_are_row_errors(run_import, posts):
    content = (
        "comment_id,post_id,username,comment,is_reply\n"
        "c1,p100,al,hi,no\n"
        "c2,p100,bo,yo,yes\n"
        "c1,p100,cy,again,no\n"
    )
    job = run_import("comments", content)
    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "is_reply"), (4, "external_id")]
    assert "duplicate comment: same as row 2" in job.errors[1]["reason"]


def test_an_explicit_creator_column_wins_over_the_handle(run_import, posts):
    content = (
        "comment_id,post_id,username,comment,by_creator\n"
        "c1,p100,chef_anna,hi,no\n"
        "c2,p100,team_anna,thanks!,yes\n"
        "c3,p100,chef_anna,hello,\n"
    )
    job = run_import("comments", content)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    replies = dict(Comment.objects.values_list("external_id", "is_creator_reply"))
    assert replies == {"c1": False, "c2": True, "c3": True}


def test_comments_without_ids_get_stable_ids_from_their_content(run_import, posts):
    content = "post_id,username,comment,timestamp\np100,al,hi,2025-01-01\np100,al,yo,2025-01-01\n"
    assert run_import("comments", content).rows_created == 2
    again = run_import("comments", content)
    assert (again.rows_created, again.rows_unchanged) == (0, 2)
    assert all(i.startswith("sha:") for i in Comment.objects.values_list("external_id", flat=True))


YOUTUBE_THREADS = {
    "kind": "youtube#commentThreadListResponse",
    "items": [
        {
            "id": "UgzThread1",
            "snippet": {
                "videoId": "p100",
                "topLevelComment": {
                    "id": "UgzThread1",
                    "snippet": {
                        "videoId": "p100",
                        "textDisplay": "<b>Great</b> video",
                        "textOriginal": "Great video",
                        "authorDisplayName": "Some Person",
                        "authorChannelId": {"value": "UCabc123"},
                        "likeCount": 7,
                        "publishedAt": "2025-03-01T12:00:00Z",
                    },
                },
            },
        }
    ],
}


def test_youtube_comment_threads_json_imports_with_no_mapping(run_import, posts):
    job = run_import("comments", json.dumps(YOUTUBE_THREADS), name="threads.json")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    comment = Comment.objects.get()
    assert (comment.external_id, comment.text, comment.like_count) == (
        "UgzThread1",
        "Great video",
        7,
    )
    assert comment.commenter_key == commenter_key("UCabc123")


def test_youtube_api_columns_in_a_csv_import_with_replies(run_import, posts):
    content = (
        "id,videoId,authorDisplayName,authorChannelId,textDisplay,textOriginal,publishedAt,"
        "likeCount,parentId\n"
        "t1,p100,Some One,UC1,Nice,Nice,2025-03-01T12:00:00Z,2,\n"
        "t1.r1,p100,Chef Anna,UCanna,Thanks,Thanks,2025-03-01T13:00:00Z,0,t1\n"
    )
    job = run_import("comments", content)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    reply = Comment.objects.get(external_id="t1.r1")
    assert reply.parent_external_id == "t1" and reply.commenter_key == commenter_key("UCanna")


def test_instaloader_comments_jsonl_and_xlsx(run_import, posts):
    lines = [
        {"id": 17890, "owner": {"username": "Fan_1", "id": "55"}, "text": "wow",
         "created_at": 1714550400, "likes_count": 4},
        {"id": 17891, "owner": {"username": "chef_anna", "id": "1"}, "text": "thank you",
         "created_at": 1714554000, "likes_count": 1},
    ]  # fmt: skip
    content = "\n".join(json.dumps(line) for line in lines)
    job = run_import("comments", content, name="comments.jsonl", scope={"post": "p100"})
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert dict(Comment.objects.values_list("external_id", "is_creator_reply")) == {
        "17890": False,
        "17891": True,
    }
    book = Workbook()
    sheet = book.active
    sheet.append(["comment_id", "post_url", "username", "comment", "timestamp"])
    sheet.append(["x1", "https://www.instagram.com/p/p200", "zed", "cool", "2025-02-02 10:00"])
    buffer = io.BytesIO()
    book.save(buffer)
    job = run_import("comments", buffer.getvalue(), name="comments.xlsx")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert Comment.objects.get(external_id="x1").post == posts["p200"]


def test_the_youtube_spam_file_imports_as_the_comments_of_one_post(run_import, posts):
    path = DATA / "youtube_spam_eminem_sample.csv"
    job = run_import("comments", path.read_bytes(), name=path.name)
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("No column for post (a post id or post URL)")
    job = run_import("comments", path.read_bytes(), name=path.name, scope={"post": "p100"})
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.rows_created == 40
    comments = Comment.objects.filter(post=posts["p100"])
    assert comments.count() == 40
    # Some rows of the file have no date.
    assert comments.filter(created_at__isnull=True).exists()
    assert not comments.filter(text__icontains="Lisa Wellas").exists()
    assert comments.filter(commenter_key=commenter_key("Lisa Wellas")).exists()


def test_the_headerless_psy_file_is_refused_naming_what_it_lacks(run_import, posts):
    path = DATA / "youtube_spam_psy_sample.csv"
    job = run_import("comments", path.read_bytes(), name=path.name, scope={"post": "p100"})
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("No column for commenter")
    assert not Comment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_chunked_import_rejects_duplicates_across_chunks_and_writes_nothing(monkeypatch):
    monkeypatch.setattr(services, "PIPELINE_CHUNK_ROWS", 2)
    anna = CreatorFactory(handle="chef_anna", platform="instagram")
    PostFactory(creator=anna, external_id="p100")
    PostFactory(creator=anna, external_id="p200", url="https://www.instagram.com/p/p200/")

    def run(content, **options):
        job = import_job_create(
            kind="comments", file=ContentFile(content.encode()), original_name="c.csv", **options
        )
        return import_job_run(job_id=job.pk)

    job = run(GENERIC)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert (job.rows_created, Comment.objects.count()) == (4, 4)
    bad = GENERIC + "c1,p100,zed,dup,2025-05-01T10:00:00Z,,\nc9,p100,new,x,2025-05-01,,\n"
    job = run(bad)
    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["reason"] == "duplicate comment: same as row 2"
    assert Comment.objects.count() == 4
    job = run(bad, skip_invalid=True)
    assert (job.rows_created, job.rows_unchanged, job.rows_rejected) == (1, 4, 1)
    job = run("comment_id,username,text\nc1,al,hi\n")
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("No column for post")
    assert Comment.objects.count() == 5


def test_import_creators_takes_the_post_of_a_file_without_a_post_column(posts, tmp_path):
    path = tmp_path / "one_post.csv"
    path.write_text("id,username,text\n1,al,hi\n2,bo,yo\n")
    out = StringIO()
    call_command("import_creators", str(path), kind="comments", post="p200", stdout=out)
    assert "2 created" in out.getvalue()
    assert set(Comment.objects.values_list("post_id", flat=True)) == {posts["p200"].pk}
    with pytest.raises(CommandError, match="No column for post"):
        call_command("import_creators", str(path), kind="comments", stdout=StringIO())
