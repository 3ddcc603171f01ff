"""Results pages: numbers, inline entry over htmx, exports (formula-safe), tenancy, snapshot."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import Outcome, Stage
from campaigns.outcomes import services as outcome_services
from campaigns.services import roster_entry_move
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(world):
    """Campaign A with one contracted creator (fee 500), one deliverable and a reading."""
    creator = f.CreatorFactory(handle="=HYPERLINK(evil)", followers=50_000)
    entry = f.RosterEntryFactory(
        campaign=world.campaign_a, creator=creator, stage=Stage.CONTRACTED, agreed_fee=Decimal(500)
    )
    entry.prediction = {"reach": 12_500, "engagements": 1_000, "basis": "test"}
    entry.save()
    deliverable = f.DeliverableFactory(entry=entry, platform="instagram")
    f.OutcomeFactory(
        deliverable=deliverable,
        reach=10_000,
        impressions=20_000,
        likes=400,
        comments=100,
        clicks=250,
        conversions=10,
        revenue=Decimal(1500),
    )
    return entry, deliverable


def test_results_page_shows_kpis_and_dash_for_missing(world, client_for, live):
    page = client_for(world.viewer_a).get(reverse("campaigns:results", args=[world.campaign_a.pk]))
    assert page.status_code == 200
    results = page.context["results"]
    assert results.spend == 500.0
    assert results.totals["reach"] == 10_000
    assert results.totals["engagements"] == 500  # shares and saves not measured: skipped
    assert results.totals["roas"] == pytest.approx(3.0)
    # One creator: its measured reach is the unique reach (no sample, but nobody to share with).
    assert results.totals["unique_reach"] == 10_000
    assert results.totals["unique_reach_exact"] is True
    assert results.totals["cost_per_unique"] == pytest.approx(0.05)
    assert results.totals["emv"] == pytest.approx(160.0)  # 20k impressions x default CPM 8
    assert results.error["reach"]["mape"] == pytest.approx(0.25)
    body = page.content.decode()
    assert 'id="kpi-roas"' in body and 'id="kpi-unique">10,000<' in body
    assert 'id="cost-per-unique">$0.05<' in body
    assert (
        'id="results-chart-data"' in body
        and "<script>" not in body.split("results-chart-data")[0][-200:]
    )
    assert "Record result" not in body  # viewer cannot write


def test_editor_records_result_inline_and_latest_reading_wins(world, client_for, live):
    _, deliverable = live
    client = client_for(world.editor_a)
    url = reverse("campaigns:outcome_add", args=[world.campaign_a.pk])
    response = client.post(
        url,
        {"deliverable": deliverable.pk, "reach": "12000", "likes": "900"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.context["results"].totals["reach"] == 12_000
    assert response.context["results"].totals["engagements"] == 900  # the later reading replaces
    assert 'id="kpi-tiles"' in response.content.decode()
    assert Outcome.objects.filter(deliverable=deliverable).count() == 2


def test_bad_result_is_rejected_with_message(world, client_for, live):
    _, deliverable = live
    client = client_for(world.editor_a)
    url = reverse("campaigns:outcome_add", args=[world.campaign_a.pk])
    response = client.post(
        url, {"deliverable": deliverable.pk, "likes": "-3"}, HTTP_HX_REQUEST="true"
    )
    # 422: the form comes back with its errors, swapped over itself (issue 18, item 4).
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#outcome-form-{deliverable.pk}"
    body = response.content.decode()
    assert 'class="field-error"' in body and "Likes: Ensure this value is greater" in body
    assert 'value="-3"' in body  # what was typed stays
    response = client.post(url, {"deliverable": deliverable.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "at least one number" in response.content.decode()
    assert Outcome.objects.filter(deliverable=deliverable).count() == 1


def test_bad_deliverable_comes_back_with_its_form(world, client_for, live):
    entry, _ = live
    response = client_for(world.editor_a).post(
        reverse("campaigns:deliverable_add", args=[world.campaign_a.pk]),
        {"entry": entry.pk, "format": "reel", "post_url": "not a url"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#deliverable-form-{entry.pk}"
    assert "Post URL: Enter a valid URL." in response.content.decode()


def test_add_deliverable_inline(world, client_for, live):
    entry, _ = live
    client = client_for(world.owner_a)
    url = reverse("campaigns:deliverable_add", args=[world.campaign_a.pk])
    response = client.post(
        url, {"entry": entry.pk, "format": "reel", "post_url": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert entry.deliverables.filter(format="reel", platform=entry.creator.platform).exists()


def test_csv_export_neutralises_formulas(world, client_for, live):
    response = client_for(world.viewer_a).get(
        reverse("campaigns:results_export", args=[world.campaign_a.pk, "csv"])
    )
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(evil)" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_csv_export_writes_money_with_its_currency_rates_as_fractions(world, client_for, live):
    response = client_for(world.viewer_a).get(
        reverse("campaigns:results_export", args=[world.campaign_a.pk, "csv"])
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["currency"] == world.campaign_a.currency
    assert (row["fee"], row["revenue"], row["reach"], row["conversions"]) == (
        "500.00",
        "1500.00",
        "10000",
        "10",
    )
    assert row["er"] == "0.0500" and row["roas"] == "3.00"  # 500 / 10,000 reach; 1,500 / 500
    assert row["predicted_reach"] == "12500"


def _header_row(rows) -> int:
    return next(i for i, row in enumerate(rows) if row[0] == "Creator")


def test_xlsx_export_neutralises_formulas(world, client_for, live):
    response = client_for(world.viewer_a).get(
        reverse("campaigns:results_export", args=[world.campaign_a.pk, "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    first = _header_row(rows) + 1
    assert rows[first][0] == "'=HYPERLINK(evil)"
    header = rows[first - 1]
    assert rows[first][header.index("Fee (USD)")] == 500.0
    assert rows[first][header.index("ROAS")] == pytest.approx(3.0)  # numbers stay numbers
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_export_has_header_block_formats_widths_and_totals(world, client_for, live):
    world.campaign_a.starts_on, world.campaign_a.ends_on = date(2027, 10, 1), date(2027, 12, 31)
    world.campaign_a.save()
    response = client_for(world.viewer_a).get(
        reverse("campaigns:results_export", args=[world.campaign_a.pk, "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    block = {row[0]: row[1] for row in rows[: _header_row(rows)] if row and row[0]}
    assert block["Campaign"] == world.campaign_a.name
    assert block["Period"] == "1 Oct 2027 – 31 Dec 2027"
    assert block["Currency"] == "USD"
    start = _header_row(rows)
    header = rows[start]
    assert header[:4] == ("Creator", "Platform", "Stage", "Fee (USD)")
    total = rows[-1]
    assert total[0] == "Total"
    assert total[header.index("Reach")] == 10_000  # the campaign's totals, not a formula
    assert total[header.index("Fee (USD)")] == 500.0
    data_row = start + 2  # 1-based row of the first creator
    formats = {
        heading: sheet.cell(row=data_row, column=i + 1).number_format
        for i, heading in enumerate(header)
    }
    assert formats["Reach"] == "#,##0"
    assert formats["Fee (USD)"] == "#,##0.00"
    assert formats["ER"] == "0.0%"
    widths = [sheet.column_dimensions[chr(ord("A") + i)].width for i in range(len(header[:20]))]
    assert all(w and w >= len(header[i]) for i, w in enumerate(widths))
    assert sheet.freeze_panes == f"B{start + 2}"


def test_results_table_and_kpis_are_formatted_for_people(world, client_for, live):
    page = client_for(world.viewer_a).get(reverse("campaigns:results", args=[world.campaign_a.pk]))
    body = page.content.decode()
    assert 'id="kpi-reach">10,000<' in body
    assert 'id="kpi-revenue">$1,500<' in body
    assert 'id="kpi-spend">$500<' in body
    table = body[
        body.index('id="creator-results"') : body.index(
            "</table>", body.index('id="creator-results"')
        )
    ]
    assert 'data-label="Reach">10,000<' in table
    assert 'data-label="ER">5.0%<' in table  # 500 engagements / 10,000 reached
    assert 'data-label="Conversions">10<' in table
    assert "10000.00" not in table and "10.00" not in table and "0.05" not in table
    assert "<tfoot>" in table and ">Total<" in table
    # KPIs are label/value pairs, before the upload form and the charts.
    assert body.index('id="kpi-tiles"') < body.index("Results over time")


def test_results_page_puts_upload_in_a_closed_details_after_the_results(world, client_for, live):
    body = (
        client_for(world.editor_a)
        .get(reverse("campaigns:results", args=[world.campaign_a.pk]))
        .content.decode()
    )
    upload = body.index('id="results-upload"')
    assert body.index('id="creator-results"') < upload
    assert body[body.rindex("<", 0, upload) : upload].startswith("<details")
    assert 'id="results-upload" open' not in body


def test_empty_results_charts_say_what_to_import(world, client_for):
    body = (
        client_for(world.editor_a)
        .get(reverse("campaigns:results", args=[world.campaign_a.pk]))
        .content.decode()
    )
    assert 'id="chart-timeline"' not in body
    assert (
        "No readings yet. Record a reading for a deliverable below, or upload a results file"
        in body
    )


def test_results_charts_have_accessible_names_and_tables(world, client_for, live):
    body = (
        client_for(world.viewer_a)
        .get(reverse("campaigns:results", args=[world.campaign_a.pk]))
        .content.decode()
    )
    for chart in ("chart-timeline", "chart-creators", "chart-predicted"):
        tag = body[body.index(f'id="{chart}"') : body.index(">", body.index(f'id="{chart}"'))]
        assert 'role="img"' in tag and "aria-label=" in tag
    assert body.count("Show as a table") == 3
    assert "12,500" in body  # predicted reach in the table alternative


@pytest.mark.parametrize(
    "name, args",
    [
        ("campaigns:results", []),
        ("campaigns:results_export", ["csv"]),
        ("campaigns:results_export", ["xlsx"]),
    ],
)
def test_other_org_gets_404(world, client_for, live, name, args):
    url = reverse(name, args=[world.campaign_a.pk, *args])
    assert client_for(world.owner_b).get(url).status_code == 404


def test_writes_are_404_for_viewer_and_other_org(world, client_for, live):
    entry, deliverable = live
    for user in (world.viewer_a, world.owner_b):
        client = client_for(user)
        r1 = client.post(
            reverse("campaigns:outcome_add", args=[world.campaign_a.pk]),
            {"deliverable": deliverable.pk, "reach": "1"},
        )
        r2 = client.post(
            reverse("campaigns:deliverable_add", args=[world.campaign_a.pk]),
            {"entry": entry.pk, "format": "post"},
        )
        assert r1.status_code == 404 and r2.status_code == 404
    assert Outcome.objects.filter(deliverable=deliverable).count() == 1


def test_deliverable_of_another_campaign_is_404(world, client_for, live):
    other = f.DeliverableFactory(entry=f.RosterEntryFactory(campaign=world.campaign_b))
    response = client_for(world.owner_a).post(
        reverse("campaigns:outcome_add", args=[world.campaign_a.pk]),
        {"deliverable": other.pk, "reach": "5"},
    )
    assert response.status_code == 404


def test_overview_only_counts_own_campaigns(world, client_for, live):
    f.OutcomeFactory(
        deliverable=f.DeliverableFactory(
            entry=f.RosterEntryFactory(
                campaign=world.campaign_b,
                agreed_fee=Decimal(10),
                stage=Stage.COMPLETED,
                creator=f.CreatorFactory(handle="globexonly"),
            )
        ),
        likes=10_000,
    )
    page = client_for(world.owner_a).get(reverse("campaigns:overview"))
    assert page.status_code == 200
    handles = [r["creator"].handle for r in page.context["best"]]
    assert handles == ["=HYPERLINK(evil)"]
    assert "globexonly" not in page.content.decode()


def test_overview_writes_money_with_its_currency_and_counts_with_separators(
    world, client_for, live
):
    _entry, deliverable = live
    f.OutcomeFactory(deliverable=deliverable, likes=16_000, comments=75, reach=16_575)
    page = client_for(world.owner_a).get(reverse("campaigns:overview"))
    row = page.content.decode().split('id="best-creators"')[1].split("</tr>")[1]
    cells = [c.split(">", 1)[1] for c in row.split("</td>")[:-1]]
    assert cells[2] == "$500" and cells[5].startswith("$0.0")  # spend, CPE with the currency
    assert "," in cells[3] and "." not in cells[3]  # engagements, e.g. 16,675 (was 16675.0)
    assert re.fullmatch(r"[\d,]+\.\d", cells[4])  # engagements per 1,000 spent, one decimal


def test_move_to_contracted_snapshots_prediction(world):
    creator = f.CreatorFactory(followers=40_000)
    entry = f.RosterEntryFactory(campaign=world.campaign_a, creator=creator)
    entry = roster_entry_move(entry=entry, stage=Stage.CONTRACTED, user=world.owner_a)
    assert entry.prediction["reach"] == pytest.approx(40_000 * outcome_services.TYPICAL_REACH_RATE)
    assert "followers x typical reach rate" in entry.prediction["basis"]
    assert entry.predicted_at is not None
    frozen = dict(entry.prediction)
    creator.followers = 90_000
    creator.save()
    roster_entry_move(entry=entry, stage=Stage.NEGOTIATING, user=world.owner_a)
    entry = roster_entry_move(entry=entry, stage=Stage.CONTRACTED, user=world.owner_a)
    assert entry.prediction == frozen  # frozen at the first contract


def test_bulk_create_is_all_or_nothing(world, live):
    _, deliverable = live
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="reading 2: clicks"):
        outcome_services.outcome_bulk_create(
            readings=[(deliverable, {"reach": 1}, None), (deliverable, {"clicks": "x"}, None)],
            user=world.owner_a,
        )
    assert Outcome.objects.filter(deliverable=deliverable).count() == 1


def test_emv_cpm_is_visible_and_editable_by_editor(world, client_for, live):
    url = reverse("campaigns:emv_settings", args=[world.org_a.pk])
    viewer_page = client_for(world.viewer_a).get(url)
    assert viewer_page.status_code == 200 and "Save CPMs" not in viewer_page.content.decode()
    assert client_for(world.viewer_a).post(url, {"instagram": "20"}).status_code == 404
    assert client_for(world.owner_b).get(url).status_code == 404
    response = client_for(world.editor_a).post(url, {"instagram": "12.50", "tiktok": ""})
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.emv_cpm == {"instagram": 12.5}
    page = client_for(world.viewer_a).get(reverse("campaigns:results", args=[world.campaign_a.pk]))
    assert page.context["results"].totals["emv"] == pytest.approx(250.0)  # 20k impressions x 12.5
    bad = client_for(world.editor_a).post(url, {"instagram": "-1"})
    assert bad.status_code == 200 and "instagram" in bad.content.decode().lower()


def test_results_table_sort_is_announced_with_aria_sort(world, client_for, live):
    url = reverse("campaigns:results", args=[world.campaign_a.pk])
    body = client_for(world.viewer_a).get(url, {"sort": "-reach"}).content.decode()
    assert body.count("aria-sort=") == 1
    assert 'aria-sort="descending"><a class="sort-link" href="?sort=reach"' in body
