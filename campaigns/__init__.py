"""Organisations, brands, campaigns, rosters, deliverables and outcomes."""
