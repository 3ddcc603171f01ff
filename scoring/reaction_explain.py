"""How the audience reacts, for a person: a CreatorReaction (scoring.services.reaction) as
plain sentences, each with the data volume it rests on, and optionally next to the median of
similar accounts ("37% of 214 comments are substantive (similar accounts: 22%)").

Unknown is said, never shown as a neutral-looking number: without comments the panel says so
in one line, sentiment is "not measured" where no comment could be read (non-English), and a
figure whose count is 0 is left out rather than printed as 0%.

Plain functions over the stored row (any object with CreatorReaction's attributes); every
figure goes through matchmaker.lib.formatting.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.lib import formatting
from scoring.metrics.reaction import TOP_COMMENTERS

NO_COMMENTS = "No comments imported: audience reaction unknown"
NOT_COMPUTED = "Audience reaction not computed yet: it appears after the next scoring run"
# The figures the cohort medians may carry (CreatorReaction field names).
COHORT_FIELDS = (
    "substantive_share",
    "generic_share",
    "spam_share",
    "intent_share",
    "sentiment_mean",
    "reply_share",
    "top_commenters_share",
    "sponsored_share",
)


@dataclass(frozen=True)
class ReactionLine:
    key: str  # what the line is about: text, sentiment, replies, concentration, pod, sponsored
    text: str
    tone: str = "neutral"  # good, bad, neutral or unknown: how the page marks the line


def share(value) -> str:
    """A 0..1 share as a whole percentage ("37%"), two decimals below 1% as rate() does."""
    number = formatting.to_number(value)
    if number is not None and 0 < abs(number) < 0.01:
        return formatting.rate(number)
    return formatting.rate(number, 0)


def duration(hours) -> str:
    """Hours as people say them: "25 min", "3 h", "4 days"."""
    number = formatting.to_number(hours)
    if number is None:
        return formatting.DASH
    if number < 1:
        return f"{formatting.number(max(1, number * 60))} min"
    if number < 48:
        return f"{formatting.number(number)} h"
    return formatting.quantity(round(number / 24), "day")


def sentiment(value) -> str:
    """A -1..1 mean compound score, signed: "+0.32", "−0.10"."""
    number = formatting.to_number(value)
    if number is None:
        return formatting.DASH
    text = formatting.number(abs(number), 2)
    return ("+" if number > 0 else "−" if number < 0 and text != "0.00" else "") + text


def _versus(field: str, cohort: dict | None, fmt=share) -> str:
    value = formatting.to_number((cohort or {}).get(field))
    return "" if value is None else f" (similar accounts: {fmt(value)})"


def _tone_above(value, median) -> str:
    """good at or above the similar accounts' median, neutral without one to compare."""
    median = formatting.to_number(median)
    if median is None or value is None:
        return "neutral"
    return "good" if value >= median else "bad"


def _text_lines(r, cohort) -> list[ReactionLine]:
    n = r.text_comments_n
    if not n:
        return [
            ReactionLine(
                "text", "No comment text imported: what comments say is unknown", "unknown"
            )
        ]
    comments = formatting.quantity(n, "comment")
    sub = r.substantive_share
    lines = [
        ReactionLine(
            "substantive",
            f"{share(sub)} of {comments} {'is' if n == 1 else 'are'} substantive"
            f"{_versus('substantive_share', cohort)}",
            _tone_above(sub, (cohort or {}).get("substantive_share")),
        ),
        ReactionLine(
            "generic",
            f"{share(r.generic_share)} are generic praise or emoji"
            f"{_versus('generic_share', cohort)}, {share(r.spam_share)} spam"
            f"{_versus('spam_share', cohort)}",
        ),
    ]
    if r.intent_share:
        lines.append(
            ReactionLine(
                "intent",
                f"{share(r.intent_share)} ask about price, sizes or where to buy"
                f"{_versus('intent_share', cohort)}",
                "good",
            )
        )
    if r.sentiment_n and r.sentiment_mean is not None:
        mood = (
            "positive"
            if r.sentiment_mean >= 0.05
            else "negative"
            if r.sentiment_mean <= -0.05
            else "mixed or neutral"
        )
        lines.append(
            ReactionLine(
                "sentiment",
                f"sentiment {sentiment(r.sentiment_mean)} on a −1 to +1 scale ({mood}), "
                f"measured on {formatting.count(r.sentiment_n)} of {comments}"
                f"{_versus('sentiment_mean', cohort, sentiment)}",
                "bad" if mood == "negative" else "neutral",
            )
        )
    else:
        lines.append(
            ReactionLine(
                "sentiment",
                f"sentiment not measured: none of the {comments} reads as English",
                "unknown",
            )
        )
    return lines


def _reply_line(r, cohort) -> ReactionLine:
    threads = formatting.quantity(r.threads_n, "thread")
    if not r.threads_n:
        return ReactionLine("replies", "replies unknown: no comment threads to answer", "unknown")
    if not r.replied_n:
        return ReactionLine(
            "replies",
            f"the creator answered none of the {threads}{_versus('reply_share', cohort)}",
            "bad",
        )
    delay = (
        f", median reply after {duration(r.reply_delay_hours)}"
        if r.reply_delay_hours is not None
        else ""
    )
    return ReactionLine(
        "replies",
        f"the creator answered {share(r.reply_share)} of {threads}{delay}"
        f"{_versus('reply_share', cohort)}",
        _tone_above(r.reply_share, (cohort or {}).get("reply_share")),
    )


def _concentration_line(r, cohort) -> ReactionLine:
    top = min(TOP_COMMENTERS, r.commenters_n)
    text = (
        f"{formatting.quantity(top, 'account')} wrote {share(r.top_commenters_share)} of "
        f"{formatting.quantity(r.comments_n, 'comment')}"
        f"{_versus('top_commenters_share', cohort)}"
    )
    if r.regular_share is not None and r.regulars_n:
        text += (
            f"; {formatting.quantity(r.regulars_n, 'regular')} commented on most of "
            f"{formatting.quantity(r.commented_posts_n, 'post')}"
        )
    concentrated = (r.top_commenters_share or 0) >= 0.5 and r.commenters_n > TOP_COMMENTERS
    return ReactionLine("concentration", text, "bad" if concentrated else "neutral")


def _pod_line(r) -> ReactionLine:
    if not r.pod:
        return ReactionLine("pod", "no engagement-pod signal", "good")
    pod = (r.evidence or {}).get("pod") or {}
    minutes = ((r.evidence or {}).get("thresholds") or {}).get("pod_fast_minutes")
    within = f" within {formatting.quantity(minutes, 'minute')}" if minutes else " early"
    return ReactionLine(
        "pod",
        f"likely engagement pod: {formatting.quantity(pod.get('commenters_n'), 'account')} "
        f"comment{within} on {formatting.count(pod.get('posts_n'))} of this creator's posts "
        f"and on those of {formatting.quantity(pod.get('creators_n'), 'creator')} in all",
        "bad",
    )


def _sponsored_line(r) -> ReactionLine | None:
    if not r.posts_n:
        return None
    posts = f"{formatting.quantity(r.posts_n, 'recent post')}"
    if not r.sponsored_n:
        return ReactionLine("sponsored", f"sponsored: none of {posts}")
    text = f"sponsored: {formatting.count(r.sponsored_n)} of {posts}"
    tone = "neutral"
    if r.er_sponsored is not None and r.er_organic is not None:
        text += (
            f"; ER {formatting.rate(r.er_sponsored)} sponsored vs "
            f"{formatting.rate(r.er_organic)} organic"
        )
        tone = "bad" if r.er_sponsored < 0.5 * r.er_organic else "neutral"
    return ReactionLine("sponsored", text, tone)


def reaction_lines(reaction, cohort: dict | None = None) -> list[ReactionLine]:
    """The panel's sentences for one creator's CreatorReaction (None: not computed yet).
    cohort: the median of similar accounts per COHORT_FIELDS name (missing ones are left out)."""
    if reaction is None:
        return [ReactionLine("unknown", NOT_COMPUTED, "unknown")]
    sponsored = _sponsored_line(reaction)
    if not reaction.comments_n and not reaction.text_comments_n:
        lines = [ReactionLine("unknown", NO_COMMENTS, "unknown")]
        return lines + ([sponsored] if sponsored else [])
    lines = _text_lines(reaction, cohort)
    lines.append(_reply_line(reaction, cohort))
    if reaction.comments_n:
        lines += [_concentration_line(reaction, cohort), _pod_line(reaction)]
    return lines + ([sponsored] if sponsored else [])
