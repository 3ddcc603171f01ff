"""`manage.py recompute [--campaign ID]`: recompute creator metrics (and a campaign's matches)
in-process, printing the runs."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from scoring.services.matches import recompute_campaign_matches
from scoring.services.metrics_chunks import recompute_creator_metrics


class Command(BaseCommand):
    help = "Recompute creator metrics for the catalogue, or the matches of one campaign."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="Only this campaign's matches.")

    def handle(self, *args, campaign=None, **options):
        if campaign is not None:
            if not Campaign.objects.filter(pk=campaign).exists():
                raise CommandError(f"No campaign with id {campaign}.")
            run = recompute_campaign_matches(campaign_id=campaign)
            self.stdout.write(f"Campaign {campaign}: {run.items_done} matches (run {run.pk}).")
            return
        run = recompute_creator_metrics()
        self.stdout.write(f"Creator metrics: {run.items_done} creators (run {run.pk}).")
        if run.rows_skipped:
            self.stdout.write(f"{run.rows_skipped} stored row(s) skipped:")
            for row in run.skipped:
                self.stdout.write(
                    f"  {row['table']} {row['id']} (creator {row['creator_id']}):"
                    f" {row['column']} {row['value']}, {row['reason']}"
                )
        for pk in Campaign.objects.exclude(status="archived").values_list("pk", flat=True):
            r = recompute_campaign_matches(campaign_id=pk)
            self.stdout.write(f"Campaign {pk}: {r.items_done} matches (run {r.pk}).")
