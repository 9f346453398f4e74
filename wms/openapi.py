"""The OpenAPI document's shared parts: the error shape every /api/ error answers with, how a client
authenticates (security schemes), and the decorator that lists an operation's error statuses.

Every JSON endpoint under /api/ is a `flask_smorest.Blueprint` view registered on `WmsApi`, so it
appears at /api/docs/openapi.json; tests/api/test_openapi_fuzz.py runs schemathesis over all of it.
"""
import http

from flask_smorest import Api
from marshmallow import INCLUDE, Schema, fields


class ApiError(Schema):
    """What every error under /api/ answers (wms.errors, wms.auth.access.allow, wms.security)."""

    class Meta:
        unknown = INCLUDE  # a DomainError's details travel as extra fields (order_id, scope, retry_after_min...)

    error = fields.String(required=True, metadata={
        "description": "Stable machine name: a domain error's code (`not_found`, `validation_failed`, `forbidden`, "
                       "`unauthenticated`, `concurrent_update`, `illegal_transition`, `insufficient_stock`, "
                       "`locked_out`, `unknown_barcode`, `bad_signature`, `push_refused`, `push_replayed`...) "
                       "or `http_<status>` for a plain HTTP error (`http_400`, `http_404`, `http_405`, `http_413`, "
                       "`http_500`...)"})
    message = fields.String(required=True, metadata={"description": "What went wrong, in English"})
    field = fields.String(metadata={"description": "The request field at fault (validation errors)"})
    errors = fields.Raw(metadata={
        "description": "Every problem found: for a request that does not match its schema, "
                       "{location: {field: [messages]}} (location is `json`, `query`, `form`...); for a file, "
                       "a list of {row or line, field, message}"})


# Why each status happens; an operation lists the ones it can answer with `errors(bp, ...)`.
ERROR_TEXT = {
    400: "Malformed request: a body that is not JSON, or a cookie call without its CSRF token",
    401: "No valid session cookie or bearer token (`unauthenticated`)",
    403: "The caller's role, or an API token's channels or scopes, may not do this (`forbidden`)",
    404: "No such record (`not_found`)",
    409: "Conflict: the record changed since it was read (`concurrent_update`), a state change the order's "
         "state does not allow (`illegal_transition`), not enough stock, or a replayed push",
    413: "The body is larger than this endpoint takes",
    422: "The request is well formed but its values are not valid (`validation_failed`, with `field` or `errors`)",
    429: "Too many failed logins from this user or address (`locked_out`, with `retry_after_min`)",
}

SECURITY_SCHEMES = {
    "sessionCookie": {
        "type": "apiKey", "in": "cookie", "name": "session",
        "description": "The desk's login (POST /login with username and password). Writes made with the "
                       "cookie must also send `X-CSRFToken` (the page's `csrf-token` meta) and the page's "
                       "`Origin`."},
    "bearerAuth": {
        "type": "http", "scheme": "bearer",
        "description": "`Authorization: Bearer <token>`: a handheld or pack-station token from "
                       "POST /api/auth/handheld, or an integration API token (`wms_...`) made by an admin. "
                       "No CSRF token is needed with a bearer token."},
    "wallKey": {
        "type": "apiKey", "in": "header", "name": "X-Wall-Key",
        "description": "A wall TV's kiosk key (from a link made on /wall/desk): opens the wall's snapshot only."},
}
DEFAULT_SECURITY = [{"sessionCookie": []}, {"bearerAuth": []}]
PUBLIC = []  # an operation anyone may call (login, webhooks that check their own signatures)


class WmsApi(Api):
    """flask-smorest's Api with our error shape and security schemes; errors are answered by
    wms.errors (not by flask-smorest's own handler, whose body has another shape)."""

    ERROR_SCHEMA = ApiError

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        for name, scheme in SECURITY_SCHEMES.items():
            self.spec.components.security_scheme(name, scheme)
        self.spec.options["security"] = DEFAULT_SECURITY
        self.spec.options.setdefault("info", {})["description"] = (
            "The warehouse's JSON API: handheld, pack station, wall, channels, review and imports. Every "
            "error answers the `ApiError` shape with its HTTP status.")

    def _register_error_handlers(self):
        """wms.errors.register_error_handlers answers every HTTP error under /api/ as an ApiError."""


def errors(bp, *statuses, why=None):
    """Document that the decorated view may answer these error statuses, each with an ApiError body;
    `why` ({status: text}) says why where the general ERROR_TEXT does not fit. Put it below `@allow`
    (which copies the documentation onto its wrapper)."""

    def decorate(view):
        for status in statuses:
            text = (why or {}).get(status) or ERROR_TEXT.get(status) or http.HTTPStatus(status).phrase
            view = bp.alt_response(status, schema=ApiError, description=text)(view)
        return view

    return decorate


def body(schema, content_types=("application/json",), required=True, description=None):
    """A request body documented without being parsed by flask-smorest: for views that read their body
    themselves (signed webhooks, floor outbox replays that answer each event on its own)."""
    doc = {"required": required, "content": {kind: {"schema": schema} for kind in content_types}}
    if description:
        doc["description"] = description
    return {"requestBody": doc}
