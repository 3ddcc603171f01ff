"""Results page totals reconcile measured + reported (issue 21).

Per creator, conversions and revenue (and so CPA and ROAS) are the measured figures (the shop's
orders) wherever an order was attributed to the creator, else the reported ones (the results
readings); never both. These tests build rosters from generated inputs, then read the rendered
results page, the API's results endpoint and the CSV and XLSX exports, and check against an
oracle computed here from the inputs alone: the totals row is the sum of the creators' rows in
every summed column, its measured and reported parts add up to it, no conversion is counted
twice, and ROAS and CPA are computed from those same totals.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from campaigns.models import Conversion, Stage
from campaigns.outcomes import display
from tests import factories as f

pytestmark = pytest.mark.django_db

SUMMED = ("cost", "reach", "impressions", "engagements", "clicks", "conversions", "revenue")
COUNTED = ("approved", "partially_refunded")
STAGES = (Stage.CONTRACTED, Stage.CONTENT_LIVE, Stage.COMPLETED, Stage.SHORTLISTED)


# --- Generated inputs -------------------------------------------------------------------------
@dataclass
class Order:
    amount: Decimal
    status: str
    refunded: Decimal


@dataclass
class Spec:
    stage: str
    fee: Decimal | None
    reach: int | None
    conversions: int | None  # reported
    revenue: Decimal | None  # reported
    orders: list[Order] = field(default_factory=list)


cents = st.integers(min_value=0, max_value=500_000).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def orders(draw):
    amount = draw(cents)
    status = draw(st.sampled_from(["approved", "partially_refunded", "refunded", "cancelled"]))
    refunded = Decimal("0")
    if status == "partially_refunded" and amount > Decimal("0.01"):
        refunded = draw(st.integers(1, int(amount * 100) - 1).map(lambda n: Decimal(n) / 100))
    elif status == "partially_refunded":
        status = "approved"
    elif status == "refunded":
        refunded = amount
    return Order(amount, status, refunded)


specs = st.builds(
    Spec,
    stage=st.sampled_from(STAGES),
    fee=st.none() | cents,
    reach=st.none() | st.integers(0, 2_000_000),
    conversions=st.none() | st.integers(0, 400),
    revenue=st.none() | cents,
    orders=st.lists(orders(), max_size=4),
)


# --- The oracle -------------------------------------------------------------------------------
def expected(spec: Spec) -> dict:
    """What one creator must count: measured when any order is attributed, else reported."""
    if spec.orders:
        counted = [o for o in spec.orders if o.status in COUNTED]
        return {
            "basis": "measured",
            "conversions": Decimal(len(counted)),
            "revenue": sum((o.amount - o.refunded for o in counted), Decimal("0")),
        }
    figures = {"conversions": spec.conversions, "revenue": spec.revenue}
    has = any(v is not None for v in figures.values())
    return {
        "basis": "reported" if has else None,
        "conversions": None if spec.conversions is None else Decimal(spec.conversions),
        "revenue": spec.revenue,
    }


def build(campaign, specs_: list[Spec]) -> list:
    entries = []
    order_no = 0
    for i, spec in enumerate(specs_):
        entry = f.RosterEntryFactory(
            campaign=campaign,
            creator=f.CreatorFactory(handle=f"rc{i:02d}", quoted_price=None),
            stage=spec.stage,
            agreed_fee=spec.fee,
        )
        if spec.reach is not None or spec.conversions is not None or spec.revenue is not None:
            f.OutcomeFactory(
                deliverable=f.DeliverableFactory(entry=entry),
                reach=spec.reach,
                conversions=spec.conversions,
                revenue=spec.revenue,
                clicks=7,
            )
        for order in spec.orders:
            order_no += 1
            Conversion.objects.create(
                campaign=campaign,
                entry=entry,
                order_id=f"#{order_no}",
                amount=order.amount,
                refunded_amount=order.refunded,
                currency=campaign.currency,
                occurred_at=datetime(2026, 5, 1, tzinfo=UTC),
                source=Conversion.Source.ORDERS_IMPORT,
                attributed_by=Conversion.AttributedBy.PROMO_CODE,
                status=order.status,
            )
        entries.append(entry)
    # An order attributed to nobody counts for no creator and for no total.
    Conversion.objects.create(
        campaign=campaign,
        order_id="#stray",
        amount=Decimal("999.00"),
        currency=campaign.currency,
        occurred_at=datetime(2026, 5, 1, tzinfo=UTC),
        source=Conversion.Source.POSTBACK,
    )
    return entries


# --- Reading the page -------------------------------------------------------------------------
CELL = re.compile(r"<td\b([^>]*)>(.*?)</td>", re.S)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def shown(text: str) -> Decimal | None:
    """A figure as the page writes it ("$1,234", "$12.50", "3.25×", "—")."""
    match = re.search(r"-?[\d,]*\.?\d+", text)
    return None if match is None else Decimal(match.group(0).replace(",", ""))


def _cells(row_html: str) -> dict[str, dict]:
    found = {}
    for attrs, text in CELL.findall(row_html):
        a = dict(ATTR.findall(attrs))
        if "data-key" in a:
            found[a["data-key"]] = {
                "text": text.strip(),
                "value": shown(text),
                "basis": a.get("data-basis"),
            }
    return found


def page_table(html: str) -> tuple[dict[str, dict], dict]:
    """handle -> cells of its row, and the totals row's cells, of the creator results table:
    each cell's text, the figure it shows, and its basis."""
    start = html.index('id="creator-results"')
    table = html[start : html.index("</table>", start)]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        handle = re.search(r">@([\w.]+)</a>", row).group(1)
        rows[handle] = _cells(row)
    totals = _cells(table[table.index("<tfoot>") :])
    return rows, totals


def unit(key: str, value) -> Decimal:
    """Half the last digit the page shows of `value` (money: whole units from 100, else cents;
    ROAS two decimals; counts whole), so a shown figure is within it of the exact one."""
    kind = display.BY_KEY[key].kind
    if kind == display.MONEY:
        return Decimal("0.5") if abs(Decimal(str(value))) >= 99 else Decimal("0.005")
    if kind == display.RATIO:
        return Decimal("0.005")
    return Decimal("0.5")


def near(shown_value, exact, key) -> bool:
    """A shown figure against the exact one: both missing, or within the rounding."""
    if shown_value is None or exact is None:
        return shown_value is None and exact is None
    return abs(shown_value - Decimal(str(exact))) <= unit(key, exact) + Decimal("1e-9")


def close(a, b, tolerance="0.000001") -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal(tolerance) * max(
        1, abs(Decimal(str(b)))
    )


def sum_known(values):
    known = [Decimal(str(v)) for v in values if v is not None]
    return sum(known, Decimal("0")) if known else None


def ratio(numerator, denominator):
    if numerator is None or denominator is None or not denominator:
        return None
    return Decimal(str(numerator)) / Decimal(str(denominator))


# --- The checks -------------------------------------------------------------------------------
def check_page(html: str, specs_: list[Spec], campaign) -> None:
    rows, totals = page_table(html)
    assert len(rows) == len(specs_)
    oracle = {f"rc{i:02d}": expected(s) for i, s in enumerate(specs_)}
    fees = {
        f"rc{i:02d}": s.fee if s.stage != Stage.SHORTLISTED else None for i, s in enumerate(specs_)
    }
    # Each creator counts its measured figures where it has orders, else its reported ones,
    # and its CPA and ROAS come from those.
    for handle, cells in rows.items():
        want = oracle[handle]
        for key in ("conversions", "revenue"):
            assert near(cells[key]["value"], want[key], key), (handle, key, cells[key], want)
            assert cells[key]["basis"] == (want["basis"] if want[key] is not None else None)
        fee = fees[handle]
        assert near(cells["cpa"]["value"], ratio(fee, want["conversions"]), "cpa"), handle
        assert near(cells["roas"]["value"], ratio(want["revenue"], fee), "roas"), handle
    # The totals row is the sum of the rows, column by column, within the rounding of each
    # figure shown.
    for key in SUMMED:
        row_values = [cells[key]["value"] for cells in rows.values()]
        total = totals[key]["value"]
        if total is None:
            assert all(v is None for v in row_values), key
            continue
        slack = sum((unit(key, v) for v in row_values if v is not None), unit(key, total))
        assert abs(sum_known(row_values) - total) <= slack, key
    # Never counted twice: the total is the oracle's sum (measured or reported per creator),
    # not measured + reported.
    spend = sum_known(fees.values())
    want_totals = {
        key: sum_known(w[key] for w in oracle.values()) for key in ("conversions", "revenue")
    }
    for key, exact in want_totals.items():
        assert near(totals[key]["value"], exact, key), (key, totals[key], exact)
    assert near(totals["cost"]["value"], spend, "cost")
    # Its measured and reported parts add up to it (as the KPI tile's note says).
    for key in ("conversions", "revenue"):
        parts = {
            basis: sum_known(w[key] for w in oracle.values() if w["basis"] == basis)
            for basis in ("measured", "reported")
        }
        if want_totals[key] is not None:
            assert sum_known(parts.values()) == want_totals[key]
        note = re.search(rf'id="kpi-{key}-basis">([^<]*)<', html)
        if parts["measured"] is not None and parts["reported"] is not None:
            assert note is not None, key
            measured_text, reported_text = note.group(1).split(" + ")
            assert near(shown(measured_text), parts["measured"], key)
            assert near(shown(reported_text), parts["reported"], key)
    bases = {w["basis"] for w in oracle.values()} - {None}
    want_basis = None if not bases else bases.pop() if len(bases) == 1 else "mixed"
    if totals["conversions"]["value"] is not None:
        assert totals["conversions"]["basis"] == want_basis
    # ROAS and CPA of the campaign are computed from those same totals.
    assert near(totals["cpa"]["value"], ratio(spend, want_totals["conversions"]), "cpa")
    assert near(totals["roas"]["value"], ratio(want_totals["revenue"], spend), "roas")
    # The KPI tiles say the same as the totals row.
    for key in ("conversions", "revenue", "roas"):
        tile = re.search(rf'id="kpi-{key}">([^<]*)<', html).group(1)
        assert tile == totals[key]["text"], key


def check_api(body: dict, specs_: list[Spec]) -> None:
    totals, creators = body["totals"], body["creators"]
    oracle = {f"rc{i:02d}": expected(s) for i, s in enumerate(specs_)}
    for c in creators:
        want = oracle[c["handle"]]
        assert close(c["conversions"], want["conversions"]) and close(c["revenue"], want["revenue"])
        assert c["basis"] == want["basis"]
    for key in ("reach", "conversions", "revenue"):
        assert close(totals[key], sum_known(c[key] for c in creators)), key
    assert close(totals["spend"], sum_known(c["cost"] for c in creators))
    for key in ("conversions", "revenue"):
        parts = sum_known([totals[f"{key}_measured_part"], totals[f"{key}_reported_part"]])
        assert close(parts, totals[key]), key
        measured = sum_known(c[key] for c in creators if c["basis"] == "measured")
        assert close(totals[f"{key}_measured_part"], measured)
    spend, conv, rev = totals["spend"], totals["conversions"], totals["revenue"]
    assert close(totals["cpa"], None if spend is None or not conv else spend / conv)
    assert close(totals["roas"], None if spend is None or rev is None or not spend else rev / spend)


def check_exports(csv_text: str, xlsx: bytes, body: dict) -> None:
    by_handle = {c["handle"]: c for c in body["creators"]}
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert {r["creator"] for r in rows} == set(by_handle)
    for r in rows:
        c = by_handle[r["creator"]]
        for key in ("conversions", "revenue"):
            value = Decimal(r[key]) if r[key] else None
            assert close(value, c[key], "0.005"), (key, r[key], c[key])
        assert r["conversions_basis"] == (c["basis"] or "")
    sheet = load_workbook(io.BytesIO(xlsx)).active
    table = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(table) if row[0] == "Creator")
    header, data, total = table[start], table[start + 1 : -1], table[-1]
    assert total[0] == "Total" and len(data) == len(by_handle)
    for heading in ("Reach", "Conversions", f"Revenue ({'USD'})", "Fee (USD)"):
        column = header.index(heading)
        assert close(total[column], sum_known(row[column] for row in data)), heading


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs_=st.lists(specs, min_size=1, max_size=5))
def test_results_page_totals_reconcile_measured_and_reported(world, client, specs_):
    client.force_login(world.viewer_a)
    campaign = world.campaign_a
    with transaction.atomic():
        build(campaign, specs_)
        html = client.get(reverse("campaigns:results", args=[campaign.pk])).content.decode()
        check_page(html, specs_, campaign)
        from rest_framework.test import APIClient

        api = APIClient()
        api.force_authenticate(world.viewer_a)
        body = api.get(reverse("api-campaign-results", args=[campaign.pk])).json()
        check_api(body, specs_)
        export = reverse("campaigns:results_export", args=[campaign.pk, "csv"])
        csv_text = client.get(export).content.decode("utf-8-sig")
        xlsx = client.get(reverse("campaigns:results_export", args=[campaign.pk, "xlsx"]))
        check_exports(csv_text, xlsx.content, body)
        transaction.set_rollback(True)


def test_measured_replaces_reported_for_the_same_creator(world, client_for):
    """One creator reported 9 sales worth $500 and the shop measured 2 orders for it (one
    refunded in part); another has readings only. Counted: 2 measured + 4 reported, never 15."""
    campaign = world.campaign_a
    both, only = build(
        campaign,
        [
            Spec(
                Stage.CONTENT_LIVE,
                Decimal("400"),
                1000,
                9,
                Decimal("500"),
                [
                    Order(Decimal("120.00"), "approved", Decimal("0")),
                    Order(Decimal("80.00"), "partially_refunded", Decimal("30.00")),
                    Order(Decimal("50.00"), "cancelled", Decimal("0")),
                ],
            ),
            Spec(Stage.COMPLETED, Decimal("100"), 500, 4, Decimal("60"), []),
        ],
    )
    html = client_for(world.viewer_a).get(reverse("campaigns:results", args=[campaign.pk]))
    html = html.content.decode()
    rows, totals = page_table(html)
    assert rows["rc00"]["conversions"]["value"] == 2 and rows["rc00"]["revenue"]["value"] == 170
    assert rows["rc00"]["conversions"]["basis"] == "measured"
    assert rows["rc01"]["conversions"]["basis"] == "reported"
    assert totals["conversions"]["value"] == 6 and totals["conversions"]["basis"] == "mixed"
    assert totals["revenue"]["value"] == 230 and totals["revenue"]["text"] == "$230"
    assert 'id="kpi-conversions">6<' in html and 'id="kpi-roas">0.46×<' in html  # 230 / 500
    assert 'id="kpi-conversions-basis">2 measured + 4 reported<' in html
    assert 'id="kpi-revenue-basis">$170 measured + $60.00 reported<' in html
    assert "$999" not in html.split('id="measured-conversions"')[0]  # the stray order
    # The measured and reported table shows both, strikes the reported figure set aside,
    # and its counted total is the results table's.
    section = html[html.index('id="measured-table"') :]
    assert "set-aside" in section and 'id="counted-total">6 · $230<' in section
    assert "Of the total, measured: 2 conversions, $170; reported: 4 conversions, $60.00" in html
    del both, only


def test_a_refunded_only_creator_is_measured_at_zero(world, client_for):
    """The shop attributed an order and it was refunded: the measurement covers the creator
    and says 0; the 12 reported conversions are not counted in its place."""
    campaign = world.campaign_a
    build(
        campaign,
        [
            Spec(
                Stage.CONTRACTED,
                Decimal("250"),
                None,
                12,
                None,
                [Order(Decimal("40"), "refunded", Decimal("40"))],
            )
        ],
    )
    page = client_for(world.viewer_a).get(reverse("campaigns:results", args=[campaign.pk]))
    rows, totals = page_table(page.content.decode())
    assert rows["rc00"]["conversions"]["value"] == 0
    assert rows["rc00"]["conversions"]["basis"] == "measured"
    assert totals["cpa"]["value"] is None  # no conversion: no cost per one
    assert totals["roas"]["value"] == 0
