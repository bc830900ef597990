"""OpenAPI post-processing: document the error answers every operation can give."""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION = {
    "type": "object",
    "description": "Field names (or non_field_errors) mapped to messages, or a reason and "
    "detail for refused ballots.",
    "additionalProperties": True,
}

COMMON = {
    "401": ("Not authenticated (send a session cookie or a Token header).", "Error"),
    "403": ("Authenticated, but the caller's role or scope does not allow this.", "Error"),
    "404": ("Not found, or outside the caller's scope.", "Error"),
}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION)
    for path_name, path in result.get("paths", {}).items():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, (description, component) in COMMON.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{component}"}
                            }
                        },
                    },
                )
            if method in ("post", "put", "patch") or operation.get("parameters"):
                responses.setdefault(
                    "400",
                    {
                        "description": "The request is not valid.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ValidationError"}
                            }
                        },
                    },
                )
            if method == "post" and "public" in path_name:
                responses.setdefault(
                    "429",
                    {
                        "description": "Too many submissions from this address; try later.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
            if method in ("post", "put", "patch"):
                responses.setdefault(
                    "415",
                    {
                        "description": "Unsupported media type.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
