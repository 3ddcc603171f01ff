"""The discovery rows partial (Jinja2): hostile values escaped, links, the shortlist form for
htmx and for a browser without JavaScript."""

from decimal import Decimal

from django.urls import reverse

from campaigns.discovery.rows import (
    VALUES,
    RowContext,
    discovery_rows,
    group_by_brand,
    light_rows,
    roster_note,
)

HOSTILE = '<script>alert("x")</script>'


def _values(**changes):
    value = dict.fromkeys(VALUES)
    value.update(
        id=7,
        handle=HOSTILE,
        display_name='"Quote" & <b>bold</b>',
        platform="instagram",
        country="DE",
        followers=12_400,
        price=Decimal("450"),
        price_estimated=True,
        price_currency="USD",
        score=0.8312,
        metrics__id=1,
        metrics__tier="micro",
        metrics__er_median=0.0312,
        metrics__er_percentile=0.87,
        metrics__authenticity_score=35.0,
    )
    value.update(changes)
    return value


def _context(**changes):
    fields = {
        "creators_base": reverse("creators:discovery"),
        "editable_campaigns": [(3, 'Spring "<glow>"', "Leafy <Co>"), (4, "B&C", "Leafy <Co>")],
        "csrf_token": "token-1",
        "next_url": '/creators/?q="x"&page=2',
    }
    fields.update(changes)
    return RowContext.build(**fields)


def test_a_row_escapes_what_comes_from_data():
    html = discovery_rows(light_rows([_values()]), _context())
    assert "<script>" not in html and "<b>" not in html
    assert "@&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</a>" in html
    assert "&#34;Quote&#34; &amp; &lt;b&gt;bold&lt;/b&gt; · Instagram · DE" in html
    # In attributes too: a quote cannot end the aria-label or the next field's value.
    assert 'aria-label="Campaign to shortlist @&lt;script&gt;alert(&#34;x&#34;)' in html
    assert 'name="next" value="/creators/?q=&#34;x&#34;&amp;page=2"' in html
    assert '<option value="3">Spring &#34;&lt;glow&gt;&#34;</option>' in html
    assert '<option value="4">B&amp;C</option>' in html
    assert '<optgroup label="Leafy &lt;Co&gt;">' in html  # campaigns grouped by brand


def test_a_row_shows_each_column():
    html = discovery_rows(light_rows([_values()]), _context())
    assert html.startswith('<tr id="creator-7">') and html.rstrip().endswith("</tr>")
    assert f'<a href="{reverse("creators:detail", args=[7])}">@' in html
    assert (
        '<td><span title="Micro (10k-100k)">Micro</span>' in html
        and '<td class="num">12.4k</td>' in html
    )
    assert '3.12% <span class="small muted">(87th percentile)</span>' in html
    assert '<span class="badge badge-bad">35</span>' in html
    assert 'class="estimate" title="Estimated from a rate card">$450</span>' in html
    assert '<td class="num">83</td>' in html  # 0-100 like every score (was 0.83)


def test_the_shortlist_form_posts_without_javascript():
    """method, action and CSRF field for a plain post; hx-post and its target for htmx."""
    html = discovery_rows(light_rows([_values()]), _context(campaign=type("C", (), {"pk": 4})))
    action = reverse("creators:shortlist", args=[7])
    assert f'<form class="row" method="post" action="{action}" hx-post="{action}"' in html
    assert 'hx-target="closest tr" hx-swap="outerHTML"' in html
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="token-1">' in html
    assert '<option value="4" selected>B&amp;C</option>' in html
    assert '<button type="submit" class="button small">Shortlist</button></form>' in html


def test_missing_values_and_the_shortlisted_badge():
    row = light_rows([_values(metrics__id=None, price=None, score=None)])[0]
    row.is_shortlisted = True
    row.roster_note = roster_note(stage="contracted", campaign_name="<Spring>", added=False)
    ctx = _context(editable_campaigns=[])
    html = discovery_rows([row], ctx)
    assert html.startswith('<tr id="creator-7" class="is-shortlisted">')
    assert '<span class="muted">not computed</span>' in html
    assert '<span class="muted">unknown</span>' in html
    assert html.count('<span class="muted">—</span>') == 3  # ER, price, score
    assert (
        '<span class="badge badge-shortlisted roster-note" role="status">'
        "Already on the roster of &lt;Spring&gt; (Contracted)</span>"
    ) in html
    assert "<form" not in html and "No campaign you can edit" not in html
    bare = discovery_rows(light_rows([_values()]), _context(editable_campaigns=[]))
    assert "No campaign you can edit" in bare and "hx-post" not in bare


def test_the_new_audience_note():
    rows = light_rows([_values(), _values(id=8)])
    rows[0].new_audience = 12_400
    html = discovery_rows(rows, _context(show_new_audience=True))
    assert '<div class="small muted new-audience">+12.4k new</div>' in html
    assert '<div class="small muted new-audience">overlap unknown</div>' in html
    assert "new-audience" not in discovery_rows(rows, _context())


def test_campaigns_grouped_by_brand_with_full_names():
    groups = group_by_brand(
        [(2, "Lumen Skincare Autumn push", "Lumen Skincare"), (9, "Trail run", "Trailhead"),
         (1, "Lumen Skincare Spring launch", "Lumen Skincare")]
    )  # fmt: skip
    assert groups == (
        (
            "Lumen Skincare",
            ((2, "Lumen Skincare Autumn push"), (1, "Lumen Skincare Spring launch")),
        ),
        ("Trailhead", ((9, "Trail run"),)),
    )


def test_roster_notes_say_what_happened():
    assert roster_note(stage="shortlisted", campaign_name="X", added=True) == "Shortlisted to X"
    assert roster_note(stage="shortlisted", campaign_name="X", added=False) == (
        "Already shortlisted to X"
    )
    assert roster_note(stage="contracted", campaign_name="X", added=False) == (
        "Already on the roster of X (Contracted)"
    )
    assert (
        roster_note(stage="content_live", campaign_name="X") == "On the roster of X (Content live)"
    )
