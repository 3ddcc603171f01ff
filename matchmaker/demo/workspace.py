"""The demo workspace: three organisations (an agency with two client brands, two brand teams),
a user per role in each plus a staff admin, campaigns at every status with rosters across the
pipeline, stage history, agreed fees, prediction snapshots, deliverables and outcomes."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from campaigns import tracking
from campaigns.conversions import services as conversion_services
from campaigns.models import (
    Brand,
    Campaign,
    Conversion,
    Deliverable,
    Objective,
    Outcome,
    RosterEntry,
    Stage,
    StageChange,
)
from campaigns.selectors import campaign_committed_fees, committed_total
from matchmaker.demo.captions import COMPETITORS
from matchmaker.demo.catalogue import Catalogue
from tenancy.models import Membership, Organization

DEMO_PASSWORD = "matchmaker-demo"
PIPELINE = [
    Stage.SHORTLISTED,
    Stage.CONTACTED,
    Stage.NEGOTIATING,
    Stage.CONTRACTED,
    Stage.CONTENT_LIVE,
    Stage.COMPLETED,
]
ORGS = [
    {
        "name": "Brightwave Agency",
        "slug": "brightwave",
        "kind": Organization.Kind.AGENCY,
        "prefix": "agency",
        "brands": [
            ("Lumen Skincare", "Skincare", ["Skincare", "Makeup"], ["GB", "US"], "en"),
            ("Trailhead Outdoor", "Outdoor", ["Outdoor", "Travel", "Running"], ["US", "CA"], "en"),
        ],
    },
    {
        "name": "Verde Foods",
        "slug": "verde",
        "kind": Organization.Kind.BRAND,
        "prefix": "verde",
        "brands": [("Verde Oat Drinks", "Food", ["Vegan food", "Coffee"], ["DE", "NL"], "de")],
    },
    {
        "name": "Pixel Forge",
        "slug": "pixelforge",
        "kind": Organization.Kind.BRAND,
        "prefix": "pixel",
        "brands": [("Pixel Forge Gear", "Tech", ["Gaming", "Tech"], ["US", "GB"], "en")],
    },
]


@dataclass
class Login:
    username: str
    role: str
    organization: str


def build_workspace(*, catalogue: Catalogue, seed: int) -> list[Login]:
    """Create the organisations, users, brands, campaigns and rosters; returns the demo logins."""
    rng = np.random.default_rng(seed + 1)
    now = timezone.now()
    today = now.date()
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # one hash for all: PBKDF2 per user costs seconds
    logins = [Login("admin", "staff admin", "-")]
    User.objects.create(
        username="admin", email="admin@example.com", password=password,
        is_staff=True, is_superuser=True,
    )  # fmt: skip
    creators = catalogue.creators
    for org_spec in ORGS:
        org = Organization.objects.create(
            name=org_spec["name"], slug=org_spec["slug"], kind=org_spec["kind"],
            emv_cpm={"instagram": 8.5, "tiktok": 6.0, "youtube": 12.0},
        )  # fmt: skip
        users = {}
        for role in Membership.Role.values:
            username = f"{org_spec['prefix']}_{role}"
            users[role] = User.objects.create(
                username=username, email=f"{username}@example.com", password=password
            )
            Membership.objects.create(user=users[role], organization=org, role=role)
            logins.append(Login(username, role, org.name))
        for name, category, niches, countries, lang in org_spec["brands"]:
            brand = Brand.objects.create(
                organization=org, name=name, category=category,
                values=f"{name} makes honest {category.lower()} products for people who care.",
                keywords=[n.lower() for n in niches], excluded_keywords=["gambling", "vaping"],
                target_countries=countries, target_age_buckets=["18-24", "25-34"],
                target_languages=[lang], target_interests=[n.lower() for n in niches],
                competitors=COMPETITORS.get(name, []),
            )  # fmt: skip
            pool = creators[creators.category.isin(niches) & (creators.fraud == 0)]
            if len(pool) < 30:
                pool = creators[creators.fraud == 0]
            for status, offset in (("completed", -90), ("active", -10), ("draft", 30)):
                campaign = _campaign(brand, niches, countries, lang, status, offset, users, today,
                                     catalogue)  # fmt: skip
                _roster(rng, campaign, pool, status, users, now)
    return logins


def _campaign(brand, niches, countries, lang, status, offset, users, today, catalogue) -> Campaign:
    objective = {"completed": Objective.CONVERSIONS, "active": Objective.ENGAGEMENT}.get(
        status, Objective.AWARENESS
    )
    label = {"completed": "Spring launch", "active": "Autumn push", "draft": "Holiday gifting"}
    campaign = Campaign.objects.create(
        brand=brand, name=f"{brand.name} {label[status]}", objective=objective, status=status,
        budget=Decimal({"completed": 25000, "active": 40000, "draft": 15000}[status]),
        starts_on=today + timedelta(days=offset), ends_on=today + timedelta(days=offset + 45),
        platforms=["instagram", "tiktok"], min_followers=10_000, max_followers=150_000,
        target_countries=countries, target_age_buckets=["18-24", "25-34"],
        target_languages=[lang], target_interests=[n.lower() for n in niches],
        keywords=[n.lower() for n in niches], excluded_keywords=["gambling"],
        landing_url=f"https://{slugify(brand.name)}.example/{slugify(label[status])}",
        created_by=users["owner"],
    )  # fmt: skip
    campaign.niches.set([catalogue.category_ids[n] for n in niches])
    return campaign


def _roster(rng, campaign, pool, status, users, now) -> None:
    size = {"completed": 6, "active": 10, "draft": 3}[status]
    fits = pool[(pool.followers >= 10_000) & (pool.followers <= 150_000)]
    picks = fits.sample(n=min(size, len(fits)), random_state=int(rng.integers(0, 2**31)))
    for i, row in enumerate(picks.itertuples()):
        if status == "completed":
            stage = Stage.COMPLETED if i < 5 else Stage.DECLINED
        elif status == "active":
            stage = PIPELINE[i % len(PIPELINE)]
        else:
            stage = Stage.SHORTLISTED
        reached = PIPELINE[: PIPELINE.index(stage) + 1] if stage in PIPELINE else PIPELINE[:2]
        if stage == Stage.DECLINED:
            reached = [*reached, Stage.DECLINED]
        committed = stage in (Stage.CONTRACTED, Stage.CONTENT_LIVE, Stage.COMPLETED)
        fee = Decimal(str(round(row.followers * 0.011 * float(rng.uniform(0.7, 1.3)), -1)))
        prediction = {}
        if committed:
            engagements = round(row.followers * row.er)
            prediction = {
                "reach": round(row.followers * 0.32),
                "engagements": engagements,
                "conversions": round(engagements * 0.015, 1),
            }
        entry = RosterEntry.objects.create(
            campaign=campaign, creator_id=int(row.id), stage=stage,
            agreed_fee=fee if stage in (Stage.NEGOTIATING, *reached[3:]) else None,
            owner=users["editor"], prediction=prediction,
            predicted_at=now - timedelta(days=30) if committed else None,
            notes="Demo roster entry.",
        )  # fmt: skip
        start = now - timedelta(days=60)
        changes = StageChange.objects.bulk_create(
            [
                StageChange(entry=entry, from_stage=(reached[j - 1] if j else ""), to_stage=s,
                            changed_by=users["editor"])
                for j, s in enumerate(reached)
            ]
        )  # fmt: skip
        for j, change in enumerate(changes):  # auto_now_add ignores a given time: set it after
            StageChange.objects.filter(pk=change.pk).update(
                changed_at=start + timedelta(days=4 * j)
            )
        if stage in (Stage.CONTENT_LIVE, Stage.COMPLETED):
            _deliverables(rng, entry, row, stage, now)
    if status == "completed":
        _orders(rng, campaign, now)


def _orders(rng, campaign, now) -> None:
    """Measured orders for three of a completed campaign's creators (by promo code, one
    refunded), so its results page counts them measured and the others reported; and the
    client fee, so it shows the margin."""
    entries = list(
        RosterEntry.objects.filter(campaign=campaign, stage=Stage.COMPLETED).order_by("pk")[:3]
    )
    orders = []
    for entry in entries:
        entry.refresh_from_db(fields=["promo_code"])
        for k in range(int(rng.integers(3, 8))):
            orders.append(
                {
                    "order_id": f"#D{entry.pk}-{k}",
                    "amount": Decimal(str(round(float(rng.uniform(18, 95)), 2))),
                    "currency": campaign.currency,
                    "occurred_at": now - timedelta(days=int(rng.integers(25, 40))),
                    "promo_code": entry.promo_code,
                    "status": "refunded" if k == 2 else "approved",
                }
            )
    conversion_services.record_conversions(
        campaign=campaign, orders=orders, source=Conversion.Source.ORDERS_IMPORT
    )
    committed = committed_total(campaign_committed_fees(campaign))
    campaign.client_fee = (committed * Decimal("1.35") / 100).quantize(Decimal("1")) * 100
    campaign.save(update_fields=["client_fee"])


def _deliverables(rng, entry, row, stage, now) -> None:
    for fmt in (Deliverable.Format.POST, Deliverable.Format.REEL):
        deliverable = Deliverable.objects.create(
            entry=entry, platform=row.platform, format=fmt,
            due_on=(now - timedelta(days=40)).date(),
            post_url=f"https://example.com/p/{row.handle}/demo-{fmt}",
            posted_at=now - timedelta(days=38),
        )  # fmt: skip
        if fmt == Deliverable.Format.REEL:
            tracking.deliverable_link(deliverable)  # the reel's own link (utm_content names it)
        if stage != Stage.COMPLETED:
            continue
        actual = float(rng.lognormal(0, 0.35))  # how the real results compare to the prediction
        reach = round(row.followers * 0.3 * actual)
        likes = round(row.followers * row.er * actual)
        Outcome.objects.create(
            deliverable=deliverable, recorded_at=now - timedelta(days=30), reach=reach,
            impressions=round(reach * 1.4), likes=likes, comments=round(likes * 0.04),
            views=round(reach * 1.1) if fmt == Deliverable.Format.REEL else None,
            clicks=round(reach * 0.008), conversions=round(reach * 0.0006),
            revenue=Decimal(str(round(reach * 0.0006 * 38, 2))), source=Outcome.Source.FORM,
        )  # fmt: skip
