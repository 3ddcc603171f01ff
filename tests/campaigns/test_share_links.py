"""Share links: a campaign's client report for people without an account (campaigns.sharing).

Anonymous visitors see the report through a live link only (expired, revoked and unknown
tokens are the same 404); fees appear only when the link shows them, the margin never; the
page is not indexed and is rate-limited per address; only the token's hash is stored; the
results page's managers create and revoke links, viewers and other organisations cannot.
"""

import hashlib
import io
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ShareLink, Stage
from campaigns.sharing import report, services
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def generous_rate(settings):
    settings.SHARE_RATE_LIMIT = 10_000


@pytest.fixture
def results(world):
    """Campaign A with two live creators, fees 1,234 and 766 (2,000 in all), readings, and a
    client fee of 5,000 (so a margin of 3,000, 60%)."""
    campaign = world.campaign_a
    campaign.client_fee = Decimal("5000")
    campaign.save()
    lena = f.RosterEntryFactory(
        campaign=campaign,
        creator=f.CreatorFactory(handle="leafy.lena"),
        stage=Stage.CONTENT_LIVE,
        agreed_fee=Decimal("1234"),
        notes="internal note: lena asked for more",
        prediction={"reach": 9000.0, "engagements": 700.0},
    )
    otto = f.RosterEntryFactory(
        campaign=campaign,
        creator=f.CreatorFactory(handle="oat.otto"),
        stage=Stage.COMPLETED,
        agreed_fee=Decimal("766"),
    )
    f.OutcomeFactory(
        deliverable=f.DeliverableFactory(entry=lena),
        reach=12000,
        likes=900,
        comments=100,
        clicks=321,
        conversions=17,
    )
    f.OutcomeFactory(
        deliverable=f.DeliverableFactory(entry=otto),
        reach=8000,
        likes=400,
        comments=50,
        clicks=79,
        conversions=3,
    )
    return campaign


def share(campaign, user, **kwargs):
    return services.share_link_create(campaign=campaign, user=user, **kwargs)


def url(raw: str) -> str:
    return reverse("share_report", args=[raw])


FEE_TEXTS = ("$1,234", "$766", "$2,000", "$5,000")
CREATOR_FEE_TEXTS = ("$1,234", "$766", "$2,000")
CLIENT_FEE_TEXT = "$5,000"  # the client fee: beside the creator fees it gives the margin away
MARGIN_TEXTS = ("$3,000", "margin", "Margin", "60.0%")


def test_anonymous_client_sees_the_report(client, world, results):
    _, raw = share(results, world.owner_a)
    response = client.get(url(raw))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Spring glow" in html and "Northwind Agency" in html and "Leafy Skincare" in html
    assert "@leafy.lena" in html and "@oat.otto" in html
    assert "20,000" in html  # reach 12,000 + 8,000
    assert "1,450" in html  # engagements 1,000 + 450
    assert 'id="report-kpi-clicks">400<' in html
    assert 'id="report-kpi-conversions">20<' in html
    assert "<svg" in html and "Reach per creator" in html


def test_internal_fields_absent_without_show_fees(client, world, results):
    _, raw = share(results, world.owner_a)
    html = client.get(url(raw)).content.decode()
    for text in (*FEE_TEXTS, *MARGIN_TEXTS):
        assert text not in html, text
    for text in ("Fee", "CPM", "CPE", "ROAS", "Spend", "budget", "Predicted", "internal note"):
        assert text not in html, text
    # No link into the app, no navigation, no other campaign.
    assert "/campaigns/" not in html and "/creators/" not in html and 'class="nav' not in html
    assert world.campaign_b.name not in html


def test_show_fees_shows_fees_but_never_the_margin(client, world, results):
    _, raw = share(results, world.owner_a, show_fees=True)
    html = client.get(url(raw)).content.decode()
    for text in CREATOR_FEE_TEXTS:
        assert text in html, text
    assert "CPM" in html and "ROAS" in html
    for text in (*MARGIN_TEXTS, CLIENT_FEE_TEXT, "Campaign fee", "Client fee"):
        assert text not in html, text


def test_noindex_header_and_meta(client, world, results):
    _, raw = share(results, world.owner_a)
    response = client.get(url(raw))
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_expired_revoked_and_unknown_are_the_same_404(client, world, results):
    expired, raw_expired = share(results, world.owner_a)
    ShareLink.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - timedelta(31), expires_at=timezone.now() - timedelta(1)
    )
    revoked, raw_revoked = share(results, world.owner_a)
    services.share_link_revoke(link=revoked, user=world.editor_a)
    bodies = set()
    for raw in (raw_expired, raw_revoked, "x" * 43, "nope"):
        for path in (url(raw), reverse("share_report_pdf", args=[raw])):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "noindex" in response["X-Robots-Tag"]
            bodies.add(response.content)
    assert len(bodies) == 1  # nothing tells an expired link from a revoked or unknown one
    assert b"Spring glow" not in bodies.pop()


def test_views_are_counted(client, world, results):
    link, raw = share(results, world.owner_a)
    client.get(url(raw))
    client.get(url(raw))
    link.refresh_from_db()
    assert link.view_count == 2 and link.last_viewed_at is not None


def test_rate_limited_per_address_with_retry_after(client, world, results, settings):
    settings.SHARE_RATE_LIMIT = 3
    _, raw = share(results, world.owner_a)
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    other = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    codes = [client.get(url(raw), REMOTE_ADDR=address).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    refused = client.get(url("unknown-token"), REMOTE_ADDR=address)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get(url(raw), REMOTE_ADDR=other).status_code == 200  # another address


def test_the_window_resets_and_a_pdf_costs_more(rf, settings):
    from campaigns.sharing import throttle

    settings.SHARE_RATE_LIMIT, settings.SHARE_RATE_WINDOW = 6, 60
    request = rf.get("/share/x/", REMOTE_ADDR=f"192.0.2.{uuid.uuid4().int % 250 + 1}")
    start = 6000.0 * (uuid.uuid4().int % 10_000)  # a window no other test used
    assert throttle.retry_after(request, cost=settings.SHARE_PDF_COST, now=start) is None
    assert throttle.retry_after(request, now=start + 15) == 45
    assert throttle.retry_after(request, now=start + 60) is None  # the next window


def test_only_the_tokens_hash_is_stored(world, results):
    link, raw = share(results, world.owner_a)
    assert len(raw) >= 43
    link.refresh_from_db()
    assert link.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(v) for v in ShareLink.objects.filter(pk=link.pk).values().get().values()]
    assert not any(raw in value for value in stored)


def test_expiry_defaults_to_30_days_and_is_bounded(world, results):
    link, _ = share(results, world.owner_a)
    assert abs((link.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    for days in (0, 366, -1):
        with pytest.raises(ValidationError, match="1 to 365 days"):
            share(results, world.owner_a, days=days)


def test_managers_create_and_revoke_on_the_results_page(client_for, world, results):
    client = client_for(world.editor_a)
    page = client.get(reverse("campaigns:results", args=[results.pk])).content.decode()
    assert 'id="share-links"' in page
    created = client.post(
        reverse("campaigns:share_link_create", args=[results.pk]),
        {"days": "14", "show_fees": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    link = ShareLink.objects.get(campaign=results)
    assert link.show_fees and link.created_by == world.editor_a
    html = created.content.decode()
    start = html.index("/share/") + len("/share/")
    raw = html[start : html.index("/", start)]
    assert hashlib.sha256(raw.encode()).hexdigest() == link.token_hash
    # Shown once: the page never shows the token again.
    assert raw not in client.get(reverse("campaigns:results", args=[results.pk])).content.decode()
    revoked = client.post(
        reverse("campaigns:share_link_revoke", args=[results.pk, link.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert revoked.status_code == 200 and "revoked" in revoked.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_bad_expiry_is_refused_with_its_message(client_for, world, results):
    response = client_for(world.owner_a).post(
        reverse("campaigns:share_link_create", args=[results.pk]),
        {"days": "400"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "less than or equal to 365" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_viewers_and_other_organisations_cannot_create_or_revoke(client, world, results):
    link, _ = share(results, world.owner_a)
    create = reverse("campaigns:share_link_create", args=[results.pk])
    revoke = reverse("campaigns:share_link_revoke", args=[results.pk, link.pk])
    for user in (world.viewer_a, world.owner_b):
        client.force_login(user)
        assert client.post(create, {"days": "30"}).status_code == 404
        assert client.post(revoke).status_code == 404
    client.force_login(world.viewer_a)
    page = client.get(reverse("campaigns:results", args=[results.pk])).content.decode()
    assert 'id="share-links"' not in page
    with pytest.raises(ValidationError):
        share(results, world.owner_b)
    with pytest.raises(ValidationError):
        services.share_link_revoke(link=link, user=world.viewer_a)
    link.refresh_from_db()
    assert link.revoked_at is None
    assert ShareLink.objects.count() == 1


def test_results_page_shows_client_fee_and_margin(client_for, world, results):
    html = client_for(world.viewer_a).get(reverse("campaigns:results", args=[results.pk]))
    text = html.content.decode()
    assert "$5,000" in text and "creator fees $2,000" in text
    assert "margin $3,000 (60.0% of the client fee)" in text


def test_client_fee_saved_by_editors_only(client, world, results):
    path = reverse("campaigns:client_fee_update", args=[results.pk])
    client.force_login(world.viewer_a)
    assert client.post(path, {"client_fee": "1"}).status_code == 404
    client.force_login(world.editor_a)
    response = client.post(path, {"client_fee": "2500"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "margin $500 (20.0% of the client fee)" in response.content.decode()
    results.refresh_from_db()
    assert results.client_fee == Decimal("2500")
    refused = client.post(path, {"client_fee": "-5"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422


def test_client_margin_and_bars():
    m = report.client_margin(Decimal("5000"), 2000.0)
    assert (m.amount, m.share) == (3000.0, 0.6)
    assert report.client_margin(None, 10.0) is None
    assert report.client_margin(Decimal("0"), 10.0).share is None
    rows = report.bar_rows(["@a", "@b", "@c"], [100.0, 50.0, None])
    assert [r["width"] for r in rows] == [report.BAR_SPACE, report.BAR_SPACE / 2, 0.0]
    assert rows[2]["text"] == "—"
    assert [r["width"] for r in report.bar_rows(["@a"], [0.0])] == [0.0]


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_share_pdf_has_creators_totals_and_chart(client, world, results):
    _, raw = share(results, world.owner_a)
    response = client.get(reverse("share_report_pdf", args=[raw]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "noindex" in response["X-Robots-Tag"]
    text = pdf_text(response.content)
    assert "Northwind Agency" in text and "Spring glow" in text
    assert "@leafy.lena" in text and "@oat.otto" in text
    assert "20,000" in text and "1,450" in text
    # The SVG charts' titles and bar labels are drawn as text.
    assert "Clicks" in text and "Conversions" in text
    assert text.count("@leafy.lena") >= 3  # the table and the bar charts
    for fee in FEE_TEXTS:
        assert fee not in text, fee
    assert "margin" not in text.lower()


def test_internal_pdf_for_members_only(client, world, results):
    path = reverse("campaigns:results_report_pdf", args=[results.pk])
    client.force_login(world.owner_b)
    assert client.get(path).status_code == 404
    client.force_login(world.viewer_a)
    plain = pdf_text(client.get(path).content)
    assert "$1,234" not in plain and "20,000" in plain
    with_fees = pdf_text(client.get(path + "?fees=1").content)
    assert "$1,234" in with_fees and "$3,000" not in with_fees


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 4), (59, 91, 219)).save(out, format="PNG")
    return out.getvalue()


def test_the_agency_logo_is_embedded_in_page_and_pdf(client, world, results, settings, tmp_path):
    from django.core.files.base import ContentFile
    from pypdf import PdfReader

    settings.MEDIA_ROOT = tmp_path
    world.org_a.logo.save("northwind.png", ContentFile(_png()))
    _, raw = share(results, world.owner_a)
    html = client.get(url(raw)).content.decode()
    assert 'src="data:image/png;base64,' in html and "/media/" not in html
    pdf = client.get(reverse("share_report_pdf", args=[raw])).content
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


def test_a_broken_or_missing_logo_is_left_out(world, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    assert report.logo_data_uri(world.org_a) is None
    world.org_a.logo.save("fake.png", ContentFile(b"not an image"))
    assert report.logo_data_uri(world.org_a) is None
    world.org_a.logo.storage.delete(world.org_a.logo.name)
    assert report.logo_data_uri(world.org_a) is None


def test_without_htmx_the_link_has_a_page_of_its_own(client_for, world, results):
    client = client_for(world.owner_a)
    response = client.post(
        reverse("campaigns:share_link_create", args=[results.pk]), {"days": "30"}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "shown only once" in response.content.decode()
    link = ShareLink.objects.get()
    revoked = client.post(reverse("campaigns:share_link_revoke", args=[results.pk, link.pk]))
    assert revoked.status_code == 302 and revoked["Location"].endswith("#share-links")


def test_admin_lists_links_without_their_hash(admin_client, world, results):
    link, _ = share(results, world.owner_a)
    page = admin_client.get(reverse("admin:campaigns_sharelink_change", args=[link.pk]))
    assert page.status_code == 200
    assert link.token_hash not in page.content.decode()
    assert admin_client.get(reverse("admin:campaigns_sharelink_changelist")).status_code == 200
