"""The match score's components: their names, in the order the pages show them (DESIGN 4.5),
and what each one means. Plain data, imported by the models, the metrics and the services."""

COMPONENTS = (
    "audience_fit",
    "niche_fit",
    "engagement",
    "authenticity",
    "audience_reaction",
    "cost_efficiency",
    "track_record",
    "organic_affinity",
)
# Components that can be unknown on a row (a NULL value): the match total leaves them out and
# shares their weight over the row's measured components (scoring.metrics.match).
UNKNOWN_ALLOWED = ("audience_reaction",)

DEFINITIONS = {
    "audience_fit": "Share of the audience inside every targeted country/age/gender/language/interest (product); with none of it, the audience gate sets the score to 0.",
    "niche_fit": "Category match with the campaign niches and brand keywords found in bio and hashtags.",
    "engagement": "Median engagement rate percentile among creators of the same platform and tier.",
    "authenticity": "Authenticity score / 100: penalties for bot-like signals.",
    "audience_reaction": "How the comments read (substantive, spam, sentiment, purchase intent) and how often the creator answers, halved for a likely engagement pod and cut for ad fatigue; unknown below 10 comments with text, its weight then shared over the other components.",
    "cost_efficiency": "Expected engagements per currency unit (quote, else a rate-card estimate).",
    "track_record": "Past results against predictions in your organisation's campaigns (a bonus for a good one with this brand), shrunk to 0.5 with little data.",
    "organic_affinity": "Unpaid mentions of the brand (1), a competitor (0.5) or the niche (0.25), halving per year since the last one; 0 without.",
}

# How the pages name them.
LABELS = {
    "audience_fit": "Audience fit",
    "niche_fit": "Niche fit",
    "engagement": "Engagement",
    "authenticity": "Authenticity",
    "audience_reaction": "Audience reaction",
    "cost_efficiency": "Cost efficiency",
    "track_record": "Track record",
    "organic_affinity": "Organic affinity",
}
