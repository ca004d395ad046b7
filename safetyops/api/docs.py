"""The API's own routes: the OpenAPI document and a page that renders it (Swagger UI,
vendored under static/vendor/swagger-ui by ``make vendor``; no CDN)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from flask import Blueprint, jsonify, make_response, render_template

from safetyops.api.blueprint import bp
from safetyops.api.openapi import document
from safetyops.core.access import public

docs_bp = Blueprint("api_docs", __name__)


def _version() -> str:
    try:
        return version("safetyops")
    except PackageNotFoundError:  # running from a checkout without installing
        return "0"


@bp.route("/openapi.json")
@public
def openapi_json():
    """The OpenAPI 3.1 document (public: it describes the API, it holds no data)."""
    return jsonify(document(_version()))


@docs_bp.route("/api/docs")
@public
def api_docs():
    response = make_response(render_template("api/docs.html"))
    # Swagger UI sets style attributes as it renders; this page alone allows them.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    )
    return response
