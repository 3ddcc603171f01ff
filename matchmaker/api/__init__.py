"""The REST API under /api/v1/: routes from every app, plus the OpenAPI schema and its docs."""
