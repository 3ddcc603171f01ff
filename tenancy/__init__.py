"""Organisations, their members and roles, personal API tokens: what every app scopes by."""
