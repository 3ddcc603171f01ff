"""Shop orders exports (Shopify, WooCommerce) through the "orders" import kind (issue 21, item 3)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from campaigns.conversions.selectors import campaign_measured_totals
from campaigns.models import Conversion, RosterEntry, TrackedLink
from creators.importing.services import import_job_create, import_job_run
from creators.models import ImportStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def shop(world, roster):
    """leafy.lena and oat.otto with known link codes (the fixture files quote them)."""
    one, two = (RosterEntry.objects.get(pk=e.pk) for e in roster)
    TrackedLink.objects.filter(entry=one).update(code="lenaLINK1")
    TrackedLink.objects.filter(entry=two).update(code="ottoLINK1")
    assert (one.promo_code, two.promo_code) == ("LEAFYSKINCARE-LEAFYLENA", "LEAFYSKINCARE-OATOTTO")
    return one, two


def run(world, text: bytes, name: str, campaign=None, **kw):
    job = import_job_create(
        kind="orders",
        file=ContentFile(text, name=name),
        original_name=name,
        user=world.owner_a,
        scope={"campaign_id": (campaign or world.campaign_a).pk},
        **kw,
    )
    return import_job_run(job_id=job.pk)


def orders(world):
    return {c.order_id: c for c in Conversion.objects.filter(campaign=world.campaign_a)}


def test_shopify_orders_matched_by_code_click_and_utm(world, shop):
    lena, otto = shop
    job = run(world, (DATA / "shopify_orders.csv").read_bytes(), "orders_export.csv")
    assert job.status == ImportStatus.SUCCEEDED, (job.message, job.errors)
    got = orders(world)
    assert sorted(got) == ["#1001", "#1002", "#1003", "#1004", "#1005", "#1006", "#1007"]
    by = {k: (c.entry_id, c.attributed_by, c.status) for k, c in got.items()}
    assert by["#1001"] == (lena.pk, "promo_code", "approved")  # two line-item rows, one order
    assert got["#1001"].amount == Decimal("64.90")
    assert by["#1002"] == (otto.pk, "utm", "approved")
    assert by["#1003"] == (lena.pk, "click", "approved")  # the click beats utm_content=oat.otto
    assert by["#1004"] == (otto.pk, "promo_code", "refunded")
    assert by["#1005"] == (lena.pk, "promo_code", "partially_refunded")
    assert got["#1005"].refunded_amount == Decimal("25.00")
    assert by["#1006"] == (lena.pk, "promo_code", "cancelled")
    assert by["#1007"] == (None, "", "approved")  # a foreign code, a click 70 days old
    assert got["#1001"].occurred_at.isoformat() == "2026-05-10T12:03:09+00:00"  # Created at
    totals = campaign_measured_totals(world.campaign_a)
    assert totals[lena.pk] == {"conversions": 3, "revenue": Decimal("181.90")}
    assert totals[otto.pk] == {"conversions": 1, "revenue": Decimal("28.50")}


def test_no_customer_data_is_stored(world, shop):
    run(world, (DATA / "shopify_orders.csv").read_bytes(), "orders_export.csv")
    stored = " ".join(str(v) for v in Conversion.objects.values_list())
    for private in ("ana.k@example.com", "Ana Kowalski", "Berlin", "+49 30"):
        assert private not in stored


def test_woocommerce_orders_matched_and_refunds_reversed(world, shop):
    lena, otto = shop
    job = run(world, (DATA / "woocommerce_orders.csv").read_bytes(), "woo.csv")
    assert job.status == ImportStatus.SUCCEEDED, (job.message, job.errors)
    by = {k: (c.entry_id, c.attributed_by, c.status) for k, c in orders(world).items()}
    assert by == {
        "4211": (lena.pk, "promo_code", "approved"),
        "4212": (otto.pk, "utm", "approved"),
        "4213": (otto.pk, "click", "approved"),
        "4214": (lena.pk, "promo_code", "refunded"),
        "4215": (otto.pk, "promo_code", "cancelled"),
        "4216": (otto.pk, "promo_code", "pending"),
    }
    totals = campaign_measured_totals(world.campaign_a)
    assert totals[lena.pk] == {"conversions": 1, "revenue": Decimal("45.00")}
    assert totals[otto.pk] == {"conversions": 2, "revenue": Decimal("116.00")}


def test_reimport_changes_nothing_and_a_later_refund_reverses(world, shop):
    lena, _ = shop
    text = (DATA / "woocommerce_orders.csv").read_text()
    run(world, text.encode(), "woo.csv")
    again = run(world, text.encode(), "woo.csv")
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 6)
    refunded = text.replace(
        "4211,4211,Completed,2026-05-10 10:15:00", "4211,4211,Refunded,2026-05-10 10:15:00"
    ).replace("45.00,0.00,leafyskincare", "45.00,45.00,leafyskincare")
    later = run(world, refunded.encode(), "woo-later.csv")
    assert later.rows_updated == 1
    assert Conversion.objects.filter(campaign=world.campaign_a).count() == 6
    assert campaign_measured_totals(world.campaign_a).get(lena.pk, {}).get("conversions", 0) == 0


def test_woocommerce_coupon_items_format(world, shop):
    lena, _ = shop
    text = (
        "order_id,order_number,status,date,order_total,refunded_total,order_currency,"
        "billing_email,coupon_items\n"
        "77,77,wc-completed,2026-05-20 10:00:00,40.00,10.00,USD,x@example.com,"
        '"code:summer10|amount:4.00;code:leafyskincare-leafylena|amount:6.00"\n'
    )
    job = run(world, text.encode(), "woo-suite.csv")
    assert job.status == ImportStatus.SUCCEEDED, (job.message, job.errors)
    conversion = Conversion.objects.get(order_id="77")
    assert (conversion.entry_id, conversion.attributed_by) == (lena.pk, "promo_code")
    assert (conversion.status, conversion.refunded_amount) == ("partially_refunded", Decimal(10))


def test_bad_rows_named_and_nothing_written(world, shop):
    text = (
        "Name,Financial Status,Currency,Total,Discount Code,Created at\n"
        "#1,paid,USD,10.00,LEAFYSKINCARE-LEAFYLENA,2026-05-10 10:00:00\n"
        "#2,paid,EUR,10.00,LEAFYSKINCARE-LEAFYLENA,2026-05-10 10:00:00\n"
        "#3,shipped,USD,10.00,,2026-05-10 10:00:00\n"
        "#4,paid,USD,-5.00,,2026-05-10 10:00:00\n"
        "#5,paid,USD,,,2026-05-10 10:00:00\n"
        "#6,paid,USD,5.00,,\n"
    )
    job = run(world, text.encode(), "bad.csv")
    assert job.status == ImportStatus.FAILED
    by_row = {e["row"]: e for e in job.errors}
    assert set(by_row) == {3, 4, 5, 6, 7}
    assert by_row[3]["column"] == "currency" and "USD" in by_row[3]["reason"]
    assert by_row[4]["column"] == "Financial Status" and by_row[4]["value"] == "shipped"
    assert by_row[5]["column"] == "Total" and "negative" in by_row[5]["reason"]
    assert by_row[6]["column"] == "amount"
    assert by_row[7]["column"] == "occurred_at"
    assert Conversion.objects.count() == 0


def test_another_campaigns_codes_do_not_match(world, shop):
    theirs = f.RosterEntryFactory(campaign=world.campaign_b, creator=f.CreatorFactory())
    code = RosterEntry.objects.get(pk=theirs.pk).promo_code
    text = (
        f"Name,Financial Status,Total,Discount Code,Created at\n#9,paid,10.00,{code},2026-05-10\n"
    )
    job = run(world, text.encode(), "orders.csv")
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert Conversion.objects.get(order_id="#9").entry_id is None


def test_results_page_shows_measured_beside_reported(world, shop, client_for):
    from django.urls import reverse

    lena, _ = shop
    f.OutcomeFactory(deliverable=lena.deliverables.get(), conversions=9, revenue=Decimal(500))
    run(world, (DATA / "shopify_orders.csv").read_bytes(), "orders_export.csv")
    page = client_for(world.viewer_a).get(reverse("campaigns:results", args=[world.campaign_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="measured-table"' in html
    table = html[
        html.index('id="measured-table"') : html.index(
            "</table>", html.index('id="measured-table"')
        )
    ]
    assert "measured" in table and "reported" in table
    assert 'id="measured-conversions-total">4<' in table  # 3 for lena, 1 for otto
    assert 'id="measured-revenue-total">$210<' in table  # 181.90 + 28.50, shown to the dollar
    assert "$500" in table and "$710" not in html  # reported beside measured, never summed
    assert "1 order matched no creator" in html


def test_orders_uploaded_from_the_results_page(world, shop, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase
    from django.urls import reverse

    from creators.models import ImportJob

    url = reverse("campaigns:outcomes_upload", args=[world.campaign_a.pk])
    data = (DATA / "woocommerce_orders.csv").read_bytes()
    viewer = client_for(world.viewer_a)
    refused = viewer.post(url, {"kind": "orders", "file": SimpleUploadedFile("w.csv", data)})
    assert refused.status_code == 404 and Conversion.objects.count() == 0
    editor = client_for(world.editor_a)
    results = editor.get(reverse("campaigns:results", args=[world.campaign_a.pk]))
    assert 'id="orders-upload"' in results.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = editor.post(url, {"kind": "orders", "file": SimpleUploadedFile("w.csv", data)})
    job = ImportJob.objects.latest("id")
    assert response.status_code == 302 and job.kind == "orders"
    page = editor.get(response["Location"])
    assert page.status_code == 200 and "w.csv" in page.content.decode()
    assert Conversion.objects.filter(campaign=world.campaign_a).count() == 6
    listed = editor.get(reverse("campaigns:results", args=[world.campaign_a.pk])).content.decode()
    assert "w.csv" in listed  # among the campaign's uploads
