"""The published OpenAPI document: our error bodies on every error status, and the bearer
scheme when the surface requires a token."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_STATUSES = {"400": "Bad request: the field at fault is named",
                  "401": "Missing or wrong bearer token",
                  "404": "No such run, session, approval or workflow",
                  "409": "Conflicts with the stored state",
                  "413": "Request body too large",
                  "422": "A direct tool call refused by the tool gateway",
                  "500": "Internal error"}


def publish_openapi(app: FastAPI, *, error_schema: dict[str, Any], bearer: bool) -> None:
    """Replace ``app.openapi`` with a builder that documents errors as they are sent."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, description=app.description,
                          routes=app.routes)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas["ErrorBody"] = error_schema
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        ref = {"content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/ErrorBody"}}}}
        for methods in doc.get("paths", {}).values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, text in ERROR_STATUSES.items():
                    responses[status] = {"description": text, **ref}
                if bearer and operation.get("operationId") != "health":
                    operation["security"] = [{"bearer": []}]
        if bearer:
            doc["components"]["securitySchemes"] = {"bearer": {"type": "http",
                                                               "scheme": "bearer"}}
        app.openapi_schema = doc
        return doc

    app.openapi = build  # type: ignore[method-assign]
