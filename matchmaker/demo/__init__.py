"""Demo data: a realistic, deterministic creator catalogue (catalogue.py) and workspace of
organisations, users, brands, campaigns and results (workspace.py), built by `seed_demo`."""
