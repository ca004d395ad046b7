"""The API's contract: each /api/v1 route declares its request and response schemas
(pydantic v2 models, kept in the area's schemas.py); the request body is validated before
the view runs, and the OpenAPI 3.1 document is generated from the same declarations.

Why not a framework: APIFlask and flask-openapi3 replace Flask's app or blueprint classes
and answer validation errors in their own shape; spectree answers 422 with pydantic's
error list. SafetyOps keeps its documented error shape ``{"error": "...", "field": "..."}``
and its plain Flask views, and pydantic already emits JSON Schema 2020-12, the dialect of
OpenAPI 3.1, so the document is a small walk over the declarations.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from safetyops.core.errors import ValidationFailed


@dataclass(frozen=True)
class Operation:
    """One documented route: what it takes and what it answers, status by status."""

    rule: str
    method: str
    endpoint: str
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    # status -> response model (a list of a model is written [Model]); None: no body
    responses: dict[int, Any] = field(default_factory=dict)
    multipart: dict[str, str] | None = None  # field name -> description (file uploads)
    public: bool = False


OPERATIONS: list[Operation] = []
M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any) -> M:
    """``data`` checked by ``model``; a problem is a ValidationFailed naming the field (the
    API answers ``{"error", "field"}`` with the first)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed.from_pydantic(exc) from None


def api(
    bp: Any,
    rule: str,
    *,
    method: str = "GET",
    summary: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: dict[int, Any] | None = None,
    multipart: dict[str, str] | None = None,
    public: bool = False,
    body_optional: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route ``rule`` on the API blueprint and declare its contract. A ``body`` or ``query``
    model is validated first and handed to the view as ``body=`` / ``query=``."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if body is not None:
                data = request.get_json(silent=True)
                if data is None and body_optional and not request.get_data():
                    data = {}
                if not isinstance(data, dict):
                    raise ValidationFailed({"body": "must be a JSON object"})
                kwargs["body"] = parse(body, data)
            if query is not None:
                kwargs["query"] = parse(query, request.args.to_dict())
            return view(*args, **kwargs)

        bp.add_url_rule(rule, view.__name__, checked, methods=[method])
        OPERATIONS.append(
            Operation(rule=bp.url_prefix + rule, method=method.lower(),
                      endpoint=f"{bp.name}.{view.__name__}", summary=summary, body=body,
                      query=query, responses=responses or {200: None}, multipart=multipart,
                      public=public)
        )  # fmt: skip
        return checked

    return decorate


PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str) -> tuple[str, list[tuple[str, str]]]:
    """``/rounds/<int:round_id>`` -> (``/rounds/{round_id}``, [("round_id", "int")])."""
    params = [(name, converter or "string") for converter, name in PATH_PARAM.findall(rule)]
    return PATH_PARAM.sub(lambda m: "{" + m.group(2) + "}", rule), params
