"""The match score's components: their names, in the order the pages show them (DESIGN 4.5),
and what each one means. Plain data, imported by the models, the metrics and the services."""

COMPONENTS = (
    "audience_fit",
    "niche_fit",
    "engagement",
    "authenticity",
    "cost_efficiency",
    "track_record",
)

DEFINITIONS = {
    "audience_fit": "Share of the audience inside every targeted country/age/gender/language/interest (product); with none of it, the audience gate sets the score to 0.",
    "niche_fit": "Category match with the campaign niches and brand keywords found in bio and hashtags.",
    "engagement": "Median engagement rate percentile among creators of the same platform and tier.",
    "authenticity": "Authenticity score / 100: penalties for bot-like signals.",
    "cost_efficiency": "Expected engagements per currency unit (quote, else a rate-card estimate).",
    "track_record": "Past results against predictions in your organisation's campaigns (a bonus for a good one with this brand), shrunk to 0.5 with little data.",
}
