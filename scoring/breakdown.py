"""The "why" of one match, for a person: every input as a sentence with its unit, each
component's contribution in points, and the relevance gates as lines of their own, rounded so
that the points shown add up to the score shown (largest remainders).

Plain functions over a MatchScore (its creator and metrics joined) and its campaign; the page's
selector (scoring.selectors.match_explanation) calls explain_match().
"""

from __future__ import annotations

import math

from django.core.exceptions import ObjectDoesNotExist

from matchmaker.lib import formatting
from scoring.components import COMPONENTS, LABELS
from scoring.metrics.campaign_matches import AUDIENCE_DIMENSIONS
from scoring.metrics.cost import FULL_MARKS_ENG_PER_UNIT, RATE_CARD_SOURCE
from scoring.metrics.reaction_score import MIN_TEXT_COMMENTS, POD_FACTOR
from scoring.metrics.relevance import NICHE_FLOOR, REFERENCE_SHARE, per_dimension_fit
from scoring.reaction_explain import sentiment, share

# "…of the audience is <phrase>" per targeted dimension.
PHRASES = {
    "country": "in {}",
    "age": "aged {}",
    "gender": "{}",
    "language": "speaking {}",
    "interest": "interested in {}",
}


def largest_remainder(parts: list[float], total: int) -> list[int]:
    """Integers, one per part, that add up to `total` (the rounded sum of the parts): each part
    rounded down, then the units left over given to the largest fractional parts."""
    floors = [math.floor(p) for p in parts]
    if not parts:
        return floors
    left = total - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: (-(parts[i] - floors[i]), i))
    if left < 0:  # parts that do not add up to `total` (rows stored before): take from the end
        order.reverse()
    step = 1 if left > 0 else -1
    for k in range(abs(left)):
        floors[order[k % len(parts)]] += step
    return floors


def campaign_targets(campaign) -> dict[str, list[str]]:
    return {
        "country": list(campaign.target_countries or []),
        "age": list(campaign.target_age_buckets or []),
        "gender": list(campaign.target_genders or []),
        "language": list(campaign.target_languages or []),
        "interest": list(campaign.target_interests or []),
    }


def either(items) -> str:
    """["DE", "AT", "CH"] -> "DE, AT or CH"."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def both(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def dimension_phrase(dim: str, buckets: list[str]) -> str:
    return PHRASES[dim].format(either(buckets))


def zero_overlap_dimensions(match, targets: dict[str, list[str]]) -> list[str]:
    """The targeted dimensions where none of the audience is inside the target (with data)."""
    estimated = set(filter(None, match.estimated_dimensions.split(",")))
    return [
        dim
        for dim in AUDIENCE_DIMENSIONS
        if targets.get(dim)
        and dim not in estimated
        and getattr(match, f"share_{dim}", None) is not None
        and getattr(match, f"share_{dim}") <= 0
    ]


def audience_sentences(match, targets: dict[str, list[str]]) -> list[str]:
    dims = [dim for dim in AUDIENCE_DIMENSIONS if targets.get(dim)]
    if not dims:
        return ["No audience targeted: every follower counts (fit 100%)."]
    estimated = set(filter(None, match.estimated_dimensions.split(",")))
    out = []
    for dim in dims:
        share = getattr(match, f"share_{dim}", None)
        phrase = dimension_phrase(dim, targets[dim])
        if dim in estimated:
            out.append(
                f"No {dim} data for this creator: the catalogue average"
                + ("" if share is None else f", {formatting.rate(share)} {phrase},")
                + " is used (estimated)."
            )
        elif share is None:
            continue
        elif share <= 0:
            out.append(f"None of the audience is {phrase}.")
        else:
            out.append(f"{formatting.rate(share)} of the audience is {phrase}.")
    if len(dims) > 1:
        out.append(
            f"Audience fit {formatting.rate(match.audience_fit)}: the product of these shares."
        )
    return out


def niche_sentences(match, niches: list[str], keywords: list[str]) -> list[str]:
    out = []
    if niches:
        matched = round((match.category_match or 0) * len(niches))
        names = f"({both(niches)})"
        out.append(
            f"In {matched} of the {len(niches)} campaign niches {names}."
            if matched
            else f"In none of the campaign niches {names}."
        )
    else:
        out.append("No campaign niches set: the category half is neutral (50).")
    if keywords:
        found = round((match.keyword_share or 0) * len(keywords))
        names = f"({both(keywords)})"
        out.append(
            f"{found} of the {len(keywords)} brand keywords {names} in the bio or hashtags."
            if found
            else f"None of the brand keywords {names} in the bio or hashtags."
        )
    else:
        out.append("No brand keywords set: the keyword half is neutral (50).")
    if match.excluded:
        out.append("Uses an excluded keyword: flagged for brand safety.")
    return out


def engagement_sentences(match, metrics) -> list[str]:
    if match.engagement_estimated or match.er_median is None:
        return ["No engagement rate yet: neutral (50), estimated."]
    posts = getattr(metrics, "er_posts_used", None)
    base = f"Median engagement rate {formatting.rate(match.er_median)}"
    if metrics is not None and metrics.er_from_profile:
        base += " from the profile's averages (fewer than 3 recent posts)"
    elif posts:
        base += f" over {formatting.count(posts)} post{'s' if posts != 1 else ''}"
    tier = getattr(metrics, "tier", "") or ""
    platform = match.creator.get_platform_display() if match.creator_id else ""
    cohort = " ".join(p for p in (platform, tier) if p)
    return [
        base + ".",
        f"{formatting.percentile(match.engagement * 100)} among {cohort} creators."
        if cohort
        else f"{formatting.percentile(match.engagement * 100)} of its cohort.",
    ]


def authenticity_sentences(match, metrics) -> list[str]:
    if match.authenticity_score is None:
        return ["Too little data to judge authenticity: unknown, counted as neutral (50)."]
    text = f"Authenticity score {formatting.number(match.authenticity_score)} of 100"
    confidence = getattr(metrics, "authenticity_confidence", None)
    if confidence is not None:
        text += f" (confidence {formatting.rate(confidence, 0)})"
    out = [text + "."]
    reasons = getattr(metrics, "authenticity_reasons", None) or []
    out += [r["sentence"] for r in reasons if isinstance(r, dict) and r.get("sentence")]
    if not reasons:
        out.append("No bot-like signal found.")
    return out


def cost_sentences(match, metrics) -> list[str]:
    """A quote is in the creator's currency; an estimate in the rate card's (USD)."""
    if match.price is None:
        return ["No fee known or estimated: no cost efficiency."]
    currency = (
        formatting.DEFAULT_CURRENCY
        if match.price_estimated
        else (getattr(match.creator, "price_currency", "") or formatting.DEFAULT_CURRENCY)
    )
    fee = formatting.money(match.price, currency, cents=False if match.price_estimated else None)
    out = []
    if match.price_estimated:
        low = getattr(metrics, "price_low", None)
        high = getattr(metrics, "price_high", None)
        text = f"No quote: estimated fee {fee}"
        if low is not None and high is not None:
            text += f" (range {formatting.money_range(low, high, currency, cents=False)})"
        out.append(text + f", from {RATE_CARD_SOURCE}.")
    else:
        out.append(f"Quoted fee {fee}.")
    followers = match.creator.followers if match.creator_id else None
    if followers and match.er_median is not None:
        engagements = followers * match.er_median
        per_unit = engagements / match.price if match.price else None
        out.append(
            f"About {formatting.count(engagements)} engagements expected"
            f" ({formatting.count(followers)} followers × {formatting.rate(match.er_median)}):"
            f" {formatting.number(per_unit, 2)} per {currency.upper()};"
            f" full marks at {formatting.number(FULL_MARKS_ENG_PER_UNIT)} per {currency.upper()}."
        )
    return out


def track_sentences(match) -> list[str]:
    n = match.past_deliverables or 0
    if not n:
        return ["No past deliverables in your organisation's campaigns: neutral (50), estimated."]
    return [
        f"{formatting.count(n)} past deliverable{'s' if n != 1 else ''} in your organisation's"
        " campaigns, results against predictions."
    ]


def _similar(field: str, cohort: dict | None) -> str:
    value = formatting.to_number((cohort or {}).get(field))
    return "" if value is None else f" (similar accounts: {share(value)})"


def _pod_evidence(reaction) -> str:
    """What the pod rests on, from the creator's stored reaction evidence ("" without it)."""
    evidence = getattr(reaction, "evidence", None) or {}
    pod = evidence.get("pod") or {}
    if not pod:
        return ""
    minutes = (evidence.get("thresholds") or {}).get("pod_fast_minutes")
    within = f" within {formatting.quantity(minutes, 'minute')}" if minutes else " early"
    return (
        f": {formatting.quantity(pod.get('commenters_n'), 'account')} comment{within} on"
        f" {formatting.count(pod.get('posts_n'))} of the creator's posts and on those of"
        f" {formatting.quantity(pod.get('creators_n'), 'creator')} in all"
    )


def reaction_sentences(match, reaction=None, cohort: dict | None = None) -> list[str]:
    """The audience reaction's inputs as this run stored them; `reaction`: the creator's
    current CreatorReaction (for the pod's evidence and the sponsored ERs), `cohort`: the
    median per figure of similar accounts (same platform and tier)."""
    n = match.reaction_comments_n or 0
    if match.audience_reaction is None:
        return [
            f"Not measured: too few comments ({formatting.count(n)} with text by others;"
            f" {formatting.count(MIN_TEXT_COMMENTS)} needed). Unknown, not neutral: its weight"
            " is shared over the other components."
        ]
    text = (
        f"{share(match.substantive_share)} of {formatting.quantity(n, 'comment')} are"
        f" substantive{_similar('substantive_share', cohort)}"
    )
    if match.reply_share is None:
        text += "; no comment threads to answer"
    else:
        text += (
            f"; the creator answered {share(match.reply_share)} of threads"
            f"{_similar('reply_share', cohort)}"
        )
    out = [text + "."]
    details = []
    if match.spam_share:
        details.append(f"{share(match.spam_share)} spam (counted twice against quality)")
    details.append(
        f"{share(match.intent_share)} ask about price, sizes or where to buy"
        f"{_similar('intent_share', cohort)}"
    )
    if match.sentiment_n and match.sentiment_mean is not None:
        details.append(
            f"sentiment {sentiment(match.sentiment_mean)} on −1 to +1"
            f" ({formatting.quantity(match.sentiment_n, 'comment')} read)"
        )
    else:
        details.append("sentiment not measured (no English comment)")
    out.append(f"{'; '.join(details)}.".capitalize())
    if match.reaction_pod:
        out.append(
            f"Likely engagement pod{_pod_evidence(reaction)}: the reaction is halved"
            f" (× {formatting.number(POD_FACTOR, 1)})."
        )
    if match.ad_fatigue:
        ers = ""
        if reaction is not None and reaction.er_sponsored is not None and reaction.er_organic:
            ers = (
                f", ER {formatting.rate(reaction.er_sponsored)} on sponsored posts vs"
                f" {formatting.rate(reaction.er_organic)} organic"
            )
        posts = ""
        if reaction is not None and reaction.posts_n:
            posts = (
                f": {formatting.count(reaction.sponsored_n)} of"
                f" {formatting.quantity(reaction.posts_n, 'recent post')} sponsored"
            )
        out.append(f"Ad fatigue{posts}{ers}: the reaction is cut by {share(match.ad_fatigue)}.")
    return out


def affinity_sentences(match, campaign) -> list[str]:
    brand = campaign.brand
    counts = [
        (match.brand_mentions_n or 0, brand.name),
        (match.competitor_mentions_n or 0, "a competitor"),
        (match.niche_mentions_n or 0, "the campaign's keywords"),
    ]
    found = [(n, what) for n, what in counts if n]
    if not found:
        return [
            f"No unpaid post mentions {brand.name}, a competitor or the campaign's keywords: 0."
        ]
    (n, what), rest = found[0], found[1:]
    text = f"Mentioned {what} unpaid in {formatting.quantity(n, 'post')}"
    if rest:
        text += ", " + both(f"{w} in {formatting.count(k)}" for k, w in rest)
    if match.last_mention:
        text += f", last {formatting.day(match.last_mention)}"
    return [text + ".", "The bonus halves per year since the last mention of each kind."]


def audience_gate_sentence(match, targets: dict[str, list[str]]) -> str:
    dims = [dim for dim in AUDIENCE_DIMENSIONS if targets.get(dim)]
    zero = zero_overlap_dimensions(match, targets)
    if zero or match.audience_fit <= 0:
        what = (
            " and ".join(f"none of the audience is {dimension_phrase(d, targets[d])}" for d in zero)
            if zero
            else "none of the audience is inside the target"
        )
        return f"{what[0].upper()}{what[1:]}: no target audience, so no score for this target."
    mean = float(per_dimension_fit([match.audience_fit], len(dims))[0])
    return (
        f"On average {formatting.rate(mean)} of the audience is inside each targeted dimension;"
        f" full at {formatting.rate(REFERENCE_SHARE, 0)} (gate = √(share ÷"
        f" {formatting.rate(REFERENCE_SHARE, 0)}), at most 1)."
    )


def niche_gate_sentence(match) -> str:
    if match.niche_gate >= 1:
        return "A campaign niche or brand keyword matches: no reduction."
    return (
        "Neither a campaign niche nor a brand keyword matches: the score is cut to"
        f" {formatting.rate(NICHE_FLOOR, 0)}."
    )


def _creator_reaction(match):
    if not match.creator_id:
        return None
    try:
        return match.creator.reaction
    except ObjectDoesNotExist:
        return None


def explain_match(
    match, campaign, weights: dict | None = None, reaction_cohort: dict | None = None
) -> dict:
    """{total, mean, rows, gates}: `total` the score shown (0-100), `rows` one per component
    (MatchScore.breakdown()'s keys plus label, weight_text, points, sentences), `gates` the
    audience and niche gates the campaign applies ({label, factor, points, sentence}). The
    points of the rows and the gates add up to `total`. reaction_cohort: the similar accounts'
    median reaction figures the audience reaction's sentences compare with."""
    metrics = getattr(match.creator, "metrics", None) if match.creator_id else None
    targets = campaign_targets(campaign)
    niches = [n.name for n in campaign.niches.all()]
    keywords = [k for k in campaign.keywords or [] if str(k).strip()]
    sentences = {
        "audience_fit": audience_sentences(match, targets),
        "niche_fit": niche_sentences(match, niches, keywords),
        "engagement": engagement_sentences(match, metrics),
        "authenticity": authenticity_sentences(match, metrics),
        "cost_efficiency": cost_sentences(match, metrics),
        "track_record": track_sentences(match),
        "audience_reaction": reaction_sentences(match, _creator_reaction(match), reaction_cohort),
        "organic_affinity": affinity_sentences(match, campaign),
    }
    detail = match.breakdown(weights)
    rows = [
        {
            "name": name,
            "label": LABELS[name],
            **detail[name],
            "weight_text": formatting.rate(detail[name]["weight"] or 0, 0),
            "sentences": sentences[name],
        }
        for name in COMPONENTS
    ]
    mean = sum((row["contribution"] or 0) for row in rows)
    audience_gate = match.audience_gate if match.audience_gate is not None else 1.0
    niche_gate = match.niche_gate if match.niche_gate is not None else 1.0
    gates = []
    if any(targets.values()):
        gates.append(
            {
                "label": "Audience gate",
                "factor": audience_gate,
                "effect": mean * (audience_gate - 1),
                "sentence": audience_gate_sentence(match, targets),
            }
        )
    if niches or keywords:
        gates.append(
            {
                "label": "Niche gate",
                "factor": niche_gate,
                "effect": mean * audience_gate * (niche_gate - 1),
                "sentence": niche_gate_sentence(match),
            }
        )
    total = int(formatting.score(match.total))
    parts = [100 * (row["contribution"] or 0) for row in rows] + [100 * g["effect"] for g in gates]
    points = largest_remainder(parts, total)
    for item, p in zip([*rows, *gates], points, strict=True):
        item["points"] = p
        item["points_text"] = f"−{-p}" if p < 0 else str(p)
    return {
        "total": total,
        "mean": int(formatting.score(mean)),
        "rows": rows,
        "gates": gates,
    }
