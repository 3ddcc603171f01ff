"""Pure metric functions over pandas/numpy data. Nothing in this package touches the ORM."""
