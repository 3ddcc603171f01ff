"""Outcomes tracking: deliverables, result readings, results pages and exports (issue 6)."""
