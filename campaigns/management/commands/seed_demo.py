"""seed_demo: build the demo catalogue and workspace (matchmaker/demo), then score it."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from campaigns.models import Campaign
from creators.models import Creator
from matchmaker.demo.catalogue import CATALOGUE_MODELS, build_catalogue
from matchmaker.demo.workspace import DEMO_PASSWORD, build_workspace
from matchmaker.lib.pgstats import analyze_models
from scoring.models import CreatorMetrics, CreatorReaction, MatchScore
from scoring.services.matches import recompute_campaign_matches
from scoring.services.metrics_chunks import recompute_creator_metrics
from scoring.services.reaction import creator_reactions_recompute
from tenancy.models import Organization


class Command(BaseCommand):
    help = "Create a realistic, deterministic demo catalogue and workspace with demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--creators", type=int, default=2000, help="How many creators.")
        parser.add_argument(
            "--seed", type=int, default=7, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when creators already exist."
        )
        parser.add_argument(
            "--skip-scoring", action="store_true", help="Do not compute metrics and matches."
        )

    def handle(
        self, *args, creators: int, seed: int, if_empty: bool, skip_scoring: bool, **options
    ):
        if creators < 50:
            raise CommandError(f"--creators must be at least 50 (got {creators}).")
        existing = Creator.objects.count()
        if existing and if_empty:
            self.stdout.write(f"{existing} creators exist already; not seeding (--if-empty).")
            return
        if Organization.objects.filter(slug="brightwave").exists():
            raise CommandError(
                "Demo data is already in this database; seed an empty database "
                "(or use --if-empty to skip)."
            )
        started = time.monotonic()
        with transaction.atomic():
            catalogue = build_catalogue(n=creators, seed=seed)
            logins = build_workspace(catalogue=catalogue, seed=seed)
        seeded = time.monotonic() - started
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in catalogue.counts.items())
        self.stdout.write(f"Seeded {counts} in {seeded:.1f} s.")
        written = CATALOGUE_MODELS
        if not skip_scoring:
            self._score()
            written += (CreatorMetrics, CreatorReaction, MatchScore)
        # A fresh million-row catalogue has no planner statistics until autovacuum gets to it.
        started = time.monotonic()
        analyze_models(written)
        self.stdout.write(f"Analyzed {len(written)} tables in {time.monotonic() - started:.1f} s.")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {DEMO_PASSWORD}):"))
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.role:<12} {login.organization}")

    def _score(self) -> None:
        """Rank the demo once: creator reactions, metrics, then every campaign's matches."""

        started = time.monotonic()
        # Reactions first, as the nightly recompute: authenticity reads their pods and comments.
        creator_reactions_recompute()
        recompute_creator_metrics()
        for campaign_id in Campaign.objects.values_list("id", flat=True):
            recompute_campaign_matches(campaign_id=campaign_id)
        self.stdout.write(f"Scored in {time.monotonic() - started:.1f} s.")
