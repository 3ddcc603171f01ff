"""`manage.py ranking_quality [--top N]`: per campaign with target countries and niches, the share
of its top matches with target audience and a niche match (scoring.ranking_quality)."""

from django.core.management.base import BaseCommand

from scoring.ranking_quality import TOP, ranking_quality


class Command(BaseCommand):
    help = "Print how relevant each targeted campaign's top matches are."

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=TOP, help="How many top matches to judge.")

    def handle(self, *args, top=TOP, **options):
        for quality in ranking_quality(top=top):
            self.stdout.write(quality.line())
