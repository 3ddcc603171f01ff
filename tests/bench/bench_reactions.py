"""What the audience-reaction signals add to a recompute (issue 20): the creator metrics
recompute as it was before them, then the reactions recompute (scoring.services.reaction:
comment quality, spam model, sentiment, intent, replies, concentration, pods, ad fatigue)
over a catalogue whose every creator has its 12 recent posts with a comment sample each.

Target: metrics + reactions within 1.5x of the metrics alone. ctx.full=False uses 10k
creators, full 100k. The catalogue is generated in one chunk with comments for every creator
(the demo comments only its first MAX_COMMENTED_CREATORS), inside a transaction rolled back at
the end. Figures are medians of 3 runs (1 for 100k); peak memory is this process's maximum
resident set size after the runs, so it includes the generation.
"""

import resource
from unittest import mock

from django.db import transaction

from creators.models import Comment, Creator
from matchmaker.demo import comments as demo_comments
from matchmaker.demo.catalogue import build_catalogue
from scoring.services.metrics_chunks import recompute_creator_metrics
from scoring.services.reaction import creator_reactions_recompute
from tests.bench.bench_recompute import analyze_catalogue, median_seconds
from tests.bench.run import BenchContext, Result

TARGET_RATIO = 1.5


def run(ctx: BenchContext) -> list[Result]:
    n = 100_000 if ctx.full else 10_000
    repeats = 1 if ctx.full else 3
    with transaction.atomic():
        with mock.patch.object(demo_comments, "MAX_COMMENTED_CREATORS", n):
            build_catalogue(n=n, seed=11, chunk_size=n)
        analyze_catalogue()
        creators = Creator.objects.count()  # the bench database may hold other creators
        comments = Comment.objects.count()
        metrics_s = median_seconds(lambda: recompute_creator_metrics(), repeats)
        reactions_s = median_seconds(lambda: creator_reactions_recompute(), repeats)
        transaction.set_rollback(True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = (metrics_s + reactions_s) / metrics_s
    sizes = f"{creators:,} creators, {comments:,} comments; median of {repeats}"
    return [
        Result(
            name=f"recompute metrics {creators // 1000}k creators (before reactions)",
            figure=metrics_s,
            unit="s",
            notes=sizes,
        ),
        Result(
            name=f"recompute reactions {creators // 1000}k creators",
            figure=reactions_s,
            unit="s",
            notes=f"{sizes}; {comments / reactions_s:,.0f} comments/s; peak RSS {peak_mb:,.0f} MB",
        ),
        Result(
            name="metrics + reactions vs metrics alone",
            figure=ratio,
            unit="x",
            target=TARGET_RATIO,
            notes=f"({metrics_s:.1f} s + {reactions_s:.1f} s) / {metrics_s:.1f} s",
        ),
    ]
