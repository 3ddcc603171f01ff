"""Schema post-processing, so the schema says what the server does:

- every operation documents the one error body for the failures any endpoint can return
  (validation, authentication, role, tenancy 404, throttling), and the 414 the web server
  (gunicorn) answers, in HTML, to a request line over its limit;
- text the server refuses is refused by the schema: request strings and string query
  parameters exclude NUL (DRF and Django forms reject it), required ones blank text;
- a result reading needs at least one number (campaigns.outcomes.services.outcome_build).
Rules OpenAPI cannot state (max_followers >= min_followers, an id that must exist and be
yours) are in the fields' descriptions.
"""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
            },
        }
    },
}

ERROR_STATUSES = {
    "400": "Invalid input; `fields` names each field that is wrong.",
    "401": "No valid session or API token.",
    "403": "Your role does not allow this (e.g. a viewer writing, a read-only token writing).",
    "404": "Not found, or not in your organisations.",
    "405": "Method not allowed.",
    "409": "Conflicts with the current state (e.g. deleting a roster entry that has results).",
    "415": "Unsupported media type.",
    "429": "Too many requests for this token; retry later.",
}
URI_TOO_LONG = {
    "description": "The request line is longer than the web server accepts (8190 bytes; an HTML page).",
    "content": {"text/html": {"schema": {"type": "string"}}},
}

# What DRF's CharField and Django's form fields refuse in any text (NUL), and for a required
# text (minLength 1) also one of only spaces, which they strip to nothing. (They refuse lone
# surrogates too, which valid UTF-8 cannot carry, and JSON Schema regexes cannot name.)
PLAIN_TEXT = "^[^\\u0000]*$"
NON_BLANK_TEXT = "^\\s*[^\\s\\u0000][^\\u0000]*$"
# campaigns.outcomes.services: a reading needs a count or revenue.
READING_NUMBERS = (
    "reach", "impressions", "views", "likes", "comments", "shares", "saves", "clicks",
    "conversions", "revenue",
)  # fmt: skip
READING_COMPONENTS = ("OutcomeRequest", "BulkReadingRequest", "PatchedOutcomeRequest")


def _plain_text(schema: dict) -> None:
    """Add the NUL/surrogate pattern to every free-text string in `schema` (recursively)."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"format", "enum", "pattern"} & set(schema):
        schema["pattern"] = NON_BLANK_TEXT if schema.get("minLength", 0) >= 1 else PLAIN_TEXT
    for key in ("properties", "patternProperties"):
        for value in schema.get(key, {}).values():
            _plain_text(value)
    for key in ("items", "additionalProperties"):
        _plain_text(schema.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for value in schema.get(key, []):
            _plain_text(value)


def _at_least_one_number(schema: dict) -> None:
    numbers = [name for name in READING_NUMBERS if name in schema.get("properties", {})]
    schema["anyOf"] = [
        {"required": [name], "properties": {name: {"not": {"enum": [None, ""]}}}}
        for name in numbers
    ]
    schema["description"] = "At least one of " + ", ".join(numbers) + " is given."


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
            responses.setdefault("414", URI_TOO_LONG)
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _plain_text(parameter.get("schema"))
    for name, schema in schemas.items():
        if name.endswith("Request"):
            _plain_text(schema)
        if name in READING_COMPONENTS:
            _at_least_one_number(schema)
    return result
