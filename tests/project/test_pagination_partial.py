"""templates/partials/pagination.html: the one pager every paginated page includes."""

from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string

PARTIAL = "partials/pagination.html"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _pager(page, **context):
    return render_to_string(PARTIAL, {"page": page, **context})


def test_links_keep_the_query_and_say_where_they_go():
    page = Paginator(range(30), 10).page(2)
    html = _pager(page, query="platform=tiktok&amp;q=%3Cx%3E")
    assert '<nav class="pagination" aria-label="Pages">' in html
    assert 'href="?platform=tiktok&amp;amp;q=%3Cx%3E&amp;page=1" rel="prev">Previous</a>' in html
    assert 'href="?platform=tiktok&amp;amp;q=%3Cx%3E&amp;page=3" rel="next">Next</a>' in html
    assert '<span class="current" aria-current="page">Page 2 of 3</span>' in html


def test_first_and_last_pages_and_labels():
    first = _pager(Paginator(range(30), 10).page(1), label="History pages", next="Older")
    assert 'aria-label="History pages"' in first and 'rel="prev"' not in first
    assert 'href="?page=2" rel="next">Older</a>' in first
    last = _pager(Paginator(range(30), 10).page(3), previous="Newer")
    assert 'href="?page=2" rel="prev">Newer</a>' in last and 'rel="next"' not in last
    assert _pager(Paginator(range(5), 10).page(1)).strip() == ""


def test_a_capped_count_says_more_pages_exist():
    paginator = Paginator(range(30), 10)
    paginator.capped = True  # as a CappedPaginator past its cap says
    html = _pager(paginator.page(3))
    assert "Page 3 of 3+" in html and 'rel="next"' not in html


def test_every_paginated_page_uses_the_partial():
    pagers = [
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if 'class="pagination"' in path.read_text()
    ]
    assert pagers == [PARTIAL]
    for page in (
        "creators/partials/results.html",
        "campaigns/_matches.html",
        "creators/imports/index.html",
    ):
        assert f'{{% include "{PARTIAL}"' in (TEMPLATES / page).read_text(), page
