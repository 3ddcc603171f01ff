"""What scoring does when an import changed the catalogue (creators.importing.hooks); connected
in ScoringConfig.ready()."""

from campaigns.models import Campaign
from scoring.services.overlaps import OVERLAP_TOP_N, enqueue_overlap_recompute


def overlaps_enqueue_for_creators(sender, *, creator_ids: set[int], **kwargs) -> None:
    """New audience samples change the overlaps of every campaign that computes them: those with
    one of these creators on the roster or among the top matches the recompute takes. Each gets
    an overlap recompute queued on commit."""
    ids = sorted(creator_ids)
    on_roster = Campaign.objects.filter(roster__creator_id__in=ids)
    top_matches = Campaign.objects.filter(
        match_scores__creator_id__in=ids,
        match_scores__excluded=False,
        match_scores__rank__lte=OVERLAP_TOP_N,
    )
    campaign_ids = set(on_roster.values_list("pk", flat=True)) | set(
        top_matches.values_list("pk", flat=True)
    )
    for campaign_id in sorted(campaign_ids):
        enqueue_overlap_recompute(campaign_id)
