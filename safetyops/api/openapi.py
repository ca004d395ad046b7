"""The OpenAPI 3.1 document, generated from the routes' declared contracts (api.contract)
and the pydantic schemas, so the document and the validation cannot drift apart."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from safetyops.api.contract import OPERATIONS, Operation, openapi_path
from safetyops.api.schemas import ErrorOut
from safetyops.core.input_guard import INT_MAX

REF = "#/components/schemas/{model}"
ERRORS = {
    400: "the request is malformed; `field` names what is wrong",
    401: "no valid session or API token",
    403: "the caller's role may not do this",
    404: "not found, or on a campus the caller may not see",
    409: "the id was already used for something else",
    503: "the database is unavailable; retry after `Retry-After` seconds",
}
PATH_SCHEMAS = {
    "int": {"type": "integer", "minimum": 1, "maximum": INT_MAX},
    "string": {"type": "string", "minLength": 1, "maxLength": 64},
}


Mode = Literal["validation", "serialization"]


def _models(op: Operation) -> list[tuple[type[BaseModel], Mode]]:
    found: list[tuple[type[BaseModel], Mode]] = [(ErrorOut, "serialization")]
    for model in (op.body, op.query):
        if model is not None:
            found.append((model, "validation"))
    for response in op.responses.values():
        model = response[0] if isinstance(response, list) else response
        if model is not None:
            found.append((model, "serialization"))
    return found


def document(version: str) -> dict[str, Any]:
    wanted = sorted({m for op in OPERATIONS for m in _models(op)}, key=lambda m: m[0].__name__)
    refs, defs = models_json_schema(wanted, ref_template=REF)

    def ref(model: Any, mode: Mode) -> dict[str, Any]:
        if isinstance(model, list):
            return {"type": "array", "items": refs[(model[0], mode)]}
        return refs[(model, mode)]

    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        path, params = openapi_path(op.rule)
        operation: dict[str, Any] = {
            "operationId": op.endpoint.replace(".", "_"),
            "summary": op.summary,
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": PATH_SCHEMAS[kind]}
                for name, kind in params
            ],
            "responses": {},
        }
        operation["tags"] = [op.rule.split("/")[3]]  # /api/v1/<tag>/...
        if op.query is not None:
            for name, schema in op.query.model_json_schema(ref_template=REF)["properties"].items():
                operation["parameters"].append(
                    {"name": name, "in": "query", "required": False, "schema": schema}
                )
        if op.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(op.body, "validation")}},
            }
        if op.multipart:
            properties = {
                name: {"type": "string", "contentMediaType": "application/octet-stream",
                       "description": text}
                for name, text in op.multipart.items()
            }  # fmt: skip
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {"type": "object", "properties": properties,
                                   "required": list(op.multipart)}
                    }
                },
            }  # fmt: skip
        for status, model in op.responses.items():
            answer: dict[str, Any] = {"description": "OK" if status < 300 else "see summary"}
            if model is not None:
                answer["content"] = {"application/json": {"schema": ref(model, "serialization")}}
            operation["responses"][str(status)] = answer
        for status, text in ERRORS.items():
            if op.public and status in (401, 403):
                continue
            operation["responses"].setdefault(
                str(status),
                {"description": text,
                 "content": {"application/json": {"schema": ref(ErrorOut, "serialization")}}},
            )  # fmt: skip
        if op.public:
            operation["security"] = []
        paths.setdefault(path, {})[op.method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SafetyOps API",
            "version": version,
            "description": (
                "School safety-officer operations. Authenticate with "
                "`Authorization: Bearer <token>` (`safetyops tokens create`). Errors are "
                '`{"error": "...", "field": "..."}`; writes are idempotent by the client\'s '
                "UUID."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
