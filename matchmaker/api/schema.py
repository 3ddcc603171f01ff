"""Schema post-processing: every operation documents the one error body for the failures any
endpoint can return (validation, authentication, role, tenancy 404, throttling)."""

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
    "403": "Your role does not allow this (e.g. a viewer writing).",
    "404": "Not found, or not in your organisations.",
    "405": "Method not allowed.",
    "409": "Conflicts with the current state (e.g. deleting a roster entry that has results).",
    "415": "Unsupported media type.",
    "429": "Too many requests for this token; retry later.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result
