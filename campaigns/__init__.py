"""Brands, campaigns, rosters, deliverables and outcomes."""
