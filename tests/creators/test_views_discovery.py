"""Discovery page: filters, sort, pagination and count, URL state, CSV export, shortlisting in
place via htmx, permissions and query-count guards."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import RosterEntry
from creators.models import AudienceSketch
from creators.templatetags.numbers import compact, money, pct
from matchmaker.lib import sketches
from tests import factories as f

URL = "/creators/"


def metrics(creator, **fields):
    values = {
        "computed_at": timezone.now(),
        "tier": "micro",
        "er_median": 0.03,
        "er_percentile": 0.5,
        "authenticity_score": 80.0,
        "growth_30d": 0.01,
        "estimated_price": Decimal("300"),
        "price_is_estimate": True,
    }
    values.update(fields)
    # The stored sort key, as the metrics recompute fills it.
    if values["er_percentile"] is not None and values["authenticity_score"] is not None:
        values.setdefault(
            "catalogue_score", values["er_percentile"] * values["authenticity_score"] / 100
        )
    return f.CreatorMetricsFactory(creator=creator, **values)


def handles(response) -> list[str]:
    return [c.handle for c in response.context["rows"]]


def test_number_filters():
    assert compact(12_400) == "12.4k"
    assert compact(1_240_000) == "1.2M"
    assert compact(3_000_000_000) == "3B"
    assert compact(999_960) == "1M"
    assert compact(950) == "950"
    assert compact(None) == "—"
    assert pct(0.031) == "3.1%"
    assert money(Decimal("1200"), "USD") == "$1,200"
    assert money(Decimal("12.5"), "CHF") == "CHF\u00a012.50"


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_default_filter_is_micro_tier(world, client_for):
    f.CreatorFactory(handle="tiny", followers=5_000)
    f.CreatorFactory(handle="micro", followers=50_000)
    f.CreatorFactory(handle="huge", followers=2_000_000)
    response = client_for(world.viewer_a).get(URL)
    assert response.status_code == 200
    assert handles(response) == ["micro"]
    assert response.context["page"].paginator.count == 1


def test_filters_combine(world, client_for):
    cat = f.CategoryFactory(name="Vegan food", slug="vegan")
    good = f.CreatorFactory(handle="good", country="DE", language="de", bio="vegan baking")
    good.categories.add(cat)
    metrics(good, er_median=0.05, authenticity_score=90)
    f.AudienceShareFactory(creator=good, bucket="AT", share=0.4)
    low_er = f.CreatorFactory(handle="lower", country="DE", bio="vegan")
    low_er.categories.add(cat)
    metrics(low_er, er_median=0.01)
    f.AudienceShareFactory(creator=low_er, bucket="AT", share=0.4)
    fr = f.CreatorFactory(handle="french", country="FR", language="fr")
    metrics(fr)
    client = client_for(world.viewer_a)
    query = {
        "country": "de",
        "language": "DE",
        "category": cat.pk,
        "min_er": "3",
        "min_authenticity": "70",
        "max_price": "500",
        "audience_country": "at",
        "min_audience_share": "30",
        "q": "vegan",
        "platform": "instagram",
    }
    assert handles(client.get(URL, query)) == ["good"]
    assert handles(client.get(URL, {**query, "min_audience_share": "50"})) == []
    assert handles(client.get(URL, {**query, "max_price": "100"})) == []
    assert sorted(handles(client.get(URL, {"country": "DE"}))) == ["good", "lower"]


def test_invalid_filters_say_what_is_wrong(world, client_for):
    response = client_for(world.viewer_a).get(
        URL, {"min_followers": "50000", "max_followers": "1000", "min_audience_share": "10"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "max_followers" in form.errors
    assert "audience_country" in form.errors
    assert b"Some filters need fixing" in response.content


def test_sorts(world, client_for):
    a = f.CreatorFactory(handle="a", followers=20_000, quoted_price=Decimal("900"))
    metrics(a, er_median=0.02, er_percentile=0.9, authenticity_score=50, growth_30d=0.2)
    b = f.CreatorFactory(handle="b", followers=80_000)
    metrics(
        b,
        er_median=0.06,
        er_percentile=0.6,
        authenticity_score=100,
        growth_30d=0.0,
        estimated_price=Decimal("100"),
    )
    c = f.CreatorFactory(handle="c", followers=50_000)  # no metrics: last on metric sorts
    client = client_for(world.viewer_a)
    assert handles(client.get(URL, {"sort": "score"})) == ["b", "a", "c"]  # .6 > .45
    assert handles(client.get(URL, {"sort": "er"})) == ["b", "a", "c"]
    assert handles(client.get(URL, {"sort": "followers"})) == ["b", "c", "a"]
    assert handles(client.get(URL, {"sort": "price"})) == ["b", "a", "c"]
    assert handles(client.get(URL, {"sort": "growth"})) == ["a", "b", "c"]
    assert c.pk


def test_campaign_score_replaces_catalogue_score(world, client_for):
    a = f.CreatorFactory(handle="a")
    metrics(a, er_percentile=0.9)
    b = f.CreatorFactory(handle="b")
    metrics(b, er_percentile=0.1)
    f.MatchScoreFactory(campaign=world.campaign_a, creator=b, rank=1, total=0.9)
    f.MatchScoreFactory(campaign=world.campaign_a, creator=a, rank=2, total=0.2)
    client = client_for(world.viewer_a)
    response = client.get(URL, {"campaign": world.campaign_a.pk})
    assert handles(response) == ["b", "a"]
    assert "match score for" in response.content.decode()
    assert handles(client.get(URL)) == ["a", "b"]
    # Another organisation's campaign is not a choice.
    assert "campaign" in client.get(URL, {"campaign": world.campaign_b.pk}).context["form"].errors


def test_sort_by_new_audience_for_a_campaign(world, client_for):
    """Candidates with follower samples rank by followers the roster does not reach yet; those
    without a sample (overlap unknown) come last whatever their score."""

    def creator(handle, sample=None, score=0.5):
        made = f.CreatorFactory(handle=handle, followers=20_000)
        metrics(made, er_percentile=score, authenticity_score=100)
        if sample is not None:
            AudienceSketch.objects.create(creator=made, **sketches.sketch_values(sample))
        return made

    on_roster = creator("onroster", range(1000))
    f.RosterEntryFactory(campaign=world.campaign_a, creator=on_roster)
    creator("same", range(1000), score=0.9)  # adds nothing new
    creator("half", range(500, 1500), score=0.8)  # half new: 10k
    creator("fresh", range(5000, 6000), score=0.1)  # all new: 20k
    creator("unknown", score=1.0)  # no sample: last, though the best score
    client = client_for(world.viewer_a)
    response = client.get(URL, {"campaign": world.campaign_a.pk, "sort": "new_audience"})
    order = handles(response)
    assert order[:2] == ["fresh", "half"] and order[-1] == "unknown"
    assert set(order[2:4]) == {"same", "onroster"}  # both add nothing
    gains = {c.handle: c.new_audience for c in response.context["rows"]}
    assert gains["fresh"] == pytest.approx(20_000)
    assert gains["half"] == pytest.approx(10_000)
    assert gains["same"] == 0 and gains["onroster"] == 0 and gains["unknown"] is None
    body = response.content.decode()
    assert "+20k new" in body and "overlap unknown" in body
    # Without a campaign there is no roster to measure against: the form says so.
    no_campaign = client.get(URL, {"sort": "new_audience"})
    assert "sort" in no_campaign.context["form"].errors
    # Another organisation's roster is not readable through this sort.
    foreign = client.get(URL, {"campaign": world.campaign_b.pk, "sort": "new_audience"})
    assert "campaign" in foreign.context["form"].errors and foreign.context["rows"] == []


def test_count_stops_at_the_last_page_shown(world, client_for, monkeypatch):
    from campaigns.discovery import views

    monkeypatch.setattr(views, "MAX_PAGE", 2)
    for i in range(60):
        f.CreatorFactory(handle=f"c{i:02d}", followers=10_000 + i)
    response = client_for(world.viewer_a).get(URL, {"sort": "followers"})
    paginator = response.context["page"].paginator
    assert paginator.capped and paginator.count == 51
    body = response.content.decode()
    assert "More than <strong" in body and "Page 1 of 2+" in body and "page=3" not in body
    assert response.context["truncated"]
    last = client_for(world.viewer_a).get(URL, {"sort": "followers", "page": "9"})
    assert last.context["page"].number == 2
    # The last page ends at the cap, not at the capped count (was "Showing 26–51").
    assert len(last.context["rows"]) == 25
    assert "Showing 26–50 of more than 50." in last.content.decode()


def test_showing_label_on_an_exact_last_page_has_separators(world, client_for, monkeypatch):
    from campaigns.discovery import views

    monkeypatch.setattr(views, "PAGE_SIZE", 400)
    for i in range(1001):
        f.CreatorFactory(handle=f"s{i:04d}", followers=10_000 + i)
    client = client_for(world.viewer_a)
    last = client.get(URL, {"sort": "followers", "page": "3"}).content.decode()
    assert "1,001</strong> creators match." in last and "Showing 801–1,001 of 1,001." in last


def test_pagination_count_and_url_state(world, client_for):
    for i in range(30):
        f.CreatorFactory(handle=f"c{i:02d}", followers=10_000 + i)
    client = client_for(world.viewer_a)
    first = client.get(URL, {"sort": "followers", "country": "DE"})
    assert first.context["page"].paginator.count == 30
    assert len(first.context["rows"]) == 25
    body = first.content.decode()
    assert "sort=followers&amp;country=DE&amp;page=2" in body
    assert "/creators/export.csv?sort=followers&amp;country=DE" in body  # export keeps filters
    second = client.get(URL, {"sort": "followers", "country": "DE", "page": "2"})
    assert handles(second) == [f"c{i:02d}" for i in range(4, -1, -1)]
    assert client.get(URL, {"page": "oops"}).status_code == 200


def test_htmx_request_gets_only_the_results(world, client_for):
    f.CreatorFactory(handle="micro")
    response = client_for(world.viewer_a).get(URL, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "discovery-table" in body and "<html" not in body and "Filters" not in body


def test_list_queries_are_bounded(world, client_for, django_assert_max_num_queries):
    for i in range(25):
        creator = f.CreatorFactory(handle=f"c{i}")
        metrics(creator)
    client = client_for(world.editor_a)
    # session + user + count + page + editable campaigns + campaign choices + categories ...
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"campaign": world.campaign_a.pk})
    assert len(response.context["rows"]) == 25


def test_csv_export_is_filtered_and_formula_safe(world, client_for):
    evil = f.CreatorFactory(handle="evil", display_name='=HYPERLINK("http://x")', country="DE")
    metrics(evil, growth_30d=-0.05)
    f.CreatorFactory(handle="other", country="FR")
    response = client_for(world.viewer_a).get(reverse("creators:export"), {"country": "DE"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["platform", "handle", "display_name"]
    assert [r[1] for r in rows[1:]] == ["evil"]
    assert rows[1][2].startswith("'=")
    assert rows[1][10] == "-0.0500"  # a negative number stays a number (4 decimals: issue 17)
    bad = client_for(world.viewer_a).get(reverse("creators:export"), {"min_er": "-1"})
    assert bad.status_code == 400 and b"min_er" in bad.content


def test_csv_export_writes_fractions_money_and_percentiles_by_its_header(world, client_for):
    quoted = f.CreatorFactory(
        handle="quoted", country="DE", followers=24_400, quoted_price=Decimal("1200.5")
    )
    metrics(quoted, er_median=0.08011365878685031, er_percentile=0.87, authenticity_score=72.25)
    f.CreatorFactory(handle="bare", country="DE", followers=10_000)
    response = client_for(world.viewer_a).get(reverse("creators:export"), {"country": "DE"})
    rows = {
        r["handle"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    row = rows["quoted"]
    assert row["engagement_rate"] == "0.0801" and row["growth_30d_rate"] == "0.0100"
    assert row["engagement_rate_percentile"] == "87.0" and row["authenticity_0_100"] == "72.25"
    assert (row["followers"], row["price"], row["currency"]) == ("24400", "1200.50", "USD")
    assert row["price_is_estimate"] == "no"
    assert 0 <= float(row["score_0_100"]) <= 100
    bare = rows["bare"]
    assert bare["engagement_rate"] == "" and bare["score_0_100"] == ""  # missing is empty


def test_shortlist_in_place(world, client_for):
    creator = f.CreatorFactory(handle="pick")
    metrics(creator)
    client = client_for(world.editor_a)
    url = reverse("creators:shortlist", args=[creator.pk])
    response = client.post(url, {"campaign": world.campaign_a.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith("<tr") and 'class="is-shortlisted"' in body
    assert "Shortlisted to Spring glow" in body
    assert RosterEntry.objects.filter(campaign=world.campaign_a, creator=creator).count() == 1
    # Idempotent; and the list marks it for that campaign.
    client.post(url, {"campaign": world.campaign_a.pk}, HTTP_HX_REQUEST="true")
    assert RosterEntry.objects.filter(campaign=world.campaign_a, creator=creator).count() == 1
    listed = client.get(URL, {"campaign": world.campaign_a.pk})
    assert listed.context["rows"][0].is_shortlisted


def test_shortlist_permissions(world, client_for):
    creator = f.CreatorFactory(handle="pick")
    url = reverse("creators:shortlist", args=[creator.pk])
    # A viewer cannot write; a foreign campaign does not exist for you.
    assert (
        client_for(world.viewer_a).post(url, {"campaign": world.campaign_a.pk}).status_code == 404
    )
    assert client_for(world.owner_a).post(url, {"campaign": world.campaign_b.pk}).status_code == 404
    assert client_for(world.owner_a).post(url, {"campaign": "x"}).status_code == 400
    assert client_for(world.owner_a).get(url).status_code == 405
    assert not RosterEntry.objects.filter(creator=creator).exists()


def test_rows_show_each_column_escaped(world, client_for):
    quoted = f.CreatorFactory(
        handle="amp&co",
        display_name='<b>"Bold"</b>',
        followers=12_400,
        country="DE",
        quoted_price=Decimal("1200"),
    )
    metrics(quoted, er_median=0.0312, er_percentile=0.87, authenticity_score=35.0)
    estimated = f.CreatorFactory(handle="plain", followers=50_000, quoted_price=None)
    metrics(estimated, authenticity_score=75.0, estimated_price=Decimal("450"))
    bare = f.CreatorFactory(handle="fresh", followers=20_000, quoted_price=None)
    body = client_for(world.editor_a).get(URL, {"campaign": world.campaign_a.pk}).content.decode()
    rows = {
        handle: body[body.index(f'id="creator-{c.pk}"') :].split("</tr>")[0]
        for handle, c in (("quoted", quoted), ("estimated", estimated), ("bare", bare))
    }
    assert "@amp&amp;co" in rows["quoted"] and "amp&co" not in rows["quoted"]
    # Jinja2 (markupsafe) writes " as &#34;, as Django writes &quot;: the same text to a browser.
    assert "&lt;b&gt;&#34;Bold&#34;&lt;/b&gt;" in rows["quoted"] and "<b>" not in rows["quoted"]
    assert " · DE" in rows["quoted"] and "12.4k" in rows["quoted"]
    assert "3.12% <span" in rows["quoted"] and "(87th percentile)" in rows["quoted"]
    assert 'class="badge badge-bad">35<' in rows["quoted"]
    assert "<span>$1,200</span>" in rows["quoted"]  # quoted: not marked as an estimate
    assert 'class="badge badge-good">75<' in rows["estimated"]
    assert 'class="estimate" title="Estimated from a rate card">$450<' in rows["estimated"]
    assert "not computed" in rows["bare"] and "unknown" in rows["bare"]
    # The chosen campaign is preselected in every row's shortlist control.
    option = f'<option value="{world.campaign_a.pk}" selected>Spring glow</option>'
    assert all(option in row for row in rows.values())


def test_rows_without_an_editable_campaign_say_so(world, client_for):
    metrics(f.CreatorFactory(handle="seen", followers=20_000))
    body = client_for(world.viewer_a).get(URL).content.decode()
    assert "No campaign you can edit" in body and "hx-post" not in body


def test_category_choices_follow_edits(world, client_for):
    client = client_for(world.editor_a)
    first = f.CategoryFactory(name="Beauty")
    assert f'<option value="{first.pk}">Beauty</option>' in client.get(URL).content.decode()
    first.name = "Kombucha brewing"
    first.save()  # the cached list is dropped on save...
    body = client.get(URL).content.decode()
    assert "Kombucha brewing" in body and "Beauty" not in body
    first.delete()  # ...and on delete
    assert "Kombucha brewing" not in client.get(URL).content.decode()


def test_campaign_choices_and_shortlist_targets_in_one_read(world, client_for):
    other = f.CampaignFactory(brand=world.brand_a, name="Autumn")
    foreign = world.campaign_b
    form_body = client_for(world.viewer_a).get(URL).content.decode()
    assert f'<option value="{other.pk}">Autumn (' in form_body
    assert foreign.name not in form_body
    response = client_for(world.editor_a).get(URL)
    assert response.context["form"].editable_campaigns == [
        (other.pk, "Autumn", world.brand_a.name),
        (world.campaign_a.pk, "Spring glow", world.brand_a.name),
    ]
    assert client_for(world.viewer_a).get(URL).context["form"].editable_campaigns == []
