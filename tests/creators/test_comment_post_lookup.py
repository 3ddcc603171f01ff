"""The comments import's post lookup (by id or URL, without the creator) can be answered from
the two Post indexes instead of reading every post."""

from django.db import connection

from creators.importing.kinds.comments_writer import POST_LOOKUP_SQL
from tests import factories as f


def test_the_lookup_reads_the_id_and_url_indexes(db):
    for n in range(20):
        f.PostFactory(url=f"https://www.instagram.com/p/x{n}/", external_id=f"x{n}")
    with connection.cursor() as cursor:
        # With so few rows a scan is cheapest; forbid scans (a full index scan too) to see what
        # the two indexes can serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        # Past 100 URLs PostgreSQL no longer proves "url = ANY(...)" implies url <> '' by
        # itself: the query has to say it for the partial URL index.
        urls = [f"https://www.instagram.com/p/x{n}/" for n in range(150)]
        cursor.execute("EXPLAIN " + POST_LOOKUP_SQL, [["x1", "x2"], urls])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on post_external_id" in plan, plan
    assert "Bitmap Index Scan on post_url" in plan, plan
