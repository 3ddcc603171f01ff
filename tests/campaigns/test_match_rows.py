"""The ranked matches rows partial (Jinja2): hostile values escaped, links, bars, the shortlist
form (plain post and htmx)."""

from campaigns.match_rows import MatchRowContext, light_rows, match_rows, row_values

COMPONENTS = ("audience_fit", "engagement")
HOSTILE = '<script>alert("x")</script>'


def _values(**changes):
    value = {
        "rank": 1,
        "creator_id": 9,
        "total": 0.734,
        "excluded": False,
        "on_roster": False,
        "audience_fit": 0.5,
        "engagement": None,
        "creator__handle": HOSTILE,
        "creator__platform": "tiktok",
        "creator__country": 'D"E',
        "creator__followers": 1_234_567,
    }
    value.update(changes)
    assert set(value) == set(row_values(COMPONENTS))
    return value


def _html(can_edit=True, **changes):
    ctx = MatchRowContext(
        base_url="/campaigns/3/", components=COMPONENTS, can_edit=can_edit, csrf_token='t"k'
    )
    return match_rows(light_rows([_values(**changes)], COMPONENTS), ctx)


def test_a_row_escapes_what_comes_from_data():
    html = _html()
    assert "<script>" not in html
    assert (
        '<a href="/campaigns/3/matches/9/">@&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</a>'
        in html
    )
    assert '<span class="muted small">TikTok · D&#34;E</span>' in html
    assert 'aria-label="Shortlist @&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"' in html
    assert 'name="csrfmiddlewaretoken" value="t&#34;k"' in html


def test_a_row_shows_rank_followers_score_and_bars():
    html = _html()
    assert html.startswith('<tr><td class="num">1</td>')
    assert '<td class="num">1,234,567</td>' in html
    assert '<td class="num"><strong>73</strong></td>' in html
    # Each bar carries its number (the bar itself is decoration beside it).
    assert (
        '<td class="bar-cell" title="Audience fit: 50"><div class="bar-with-value">'
        '<div class="bar" aria-hidden="true"><span class="w-50"></span></div>'
        '<span class="bar-value">50</span></div></td>'
    ) in html
    # Missing is formatting's em dash, as everywhere (issue 17; was an en dash here).
    assert '<td class="bar-cell" title="Engagement: —">' in html and '<span class="w-0">' in html
    assert '<span class="bar-value">—</span>' in html
    assert "Brand-safety hit" not in html
    assert ' <span class="badge badge-bad">Brand-safety hit</span></td>' in _html(excluded=True)


def test_the_shortlist_form_and_the_roster_badge():
    action = "/campaigns/3/matches/9/shortlist/"
    html = _html()
    assert f'<form method="post" action="{action}" hx-post="{action}"' in html
    assert 'hx-target="#shortlist-9" hx-swap="innerHTML"' in html
    assert '<td id="shortlist-9"><form' in html
    assert '<td id="shortlist-9"></td>' in _html(can_edit=False)
    on_roster = _html(on_roster=True)
    assert (
        '<span class="badge badge-good">On roster</span>' in on_roster and "<form" not in on_roster
    )
