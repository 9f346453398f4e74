"""Domain exceptions and how they reach HTTP and Socket.IO clients.

The exception classes are plain Python so that pure modules may raise them; Flask is only
imported by the handlers.
"""


class DomainError(Exception):
    """A rule said no. `status` is the HTTP status, `code` a stable machine name."""

    status = 400
    code = "domain_error"

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self):
        return {"error": self.code, "message": self.message, **self.details}


class IllegalTransition(DomainError):
    status, code = 409, "illegal_transition"


class ConcurrentUpdate(DomainError):
    status, code = 409, "concurrent_update"


class NotFound(DomainError):
    status, code = 404, "not_found"


class ValidationFailed(DomainError):
    status, code = 422, "validation_failed"


class PermissionDenied(DomainError):
    status, code = 403, "forbidden"


class LockedOut(DomainError):
    status, code = 429, "locked_out"


class InsufficientStock(DomainError):
    status, code = 409, "insufficient_stock"


class UnknownBarcode(DomainError):
    status, code = 422, "unknown_barcode"


def _wants_json():
    from flask import request

    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app):
    """Turn DomainError (and the HTTP errors) into JSON for the API and pages for people.

    Under /api/ every error has one shape, {"error": code, "message": text, ...details}
    (wms.openapi.ApiError in the OpenAPI document)."""

    from flask import jsonify, render_template
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(DomainError)
    def handle_domain_error(error):
        if _wants_json():
            return jsonify(error.to_dict()), error.status
        return render_template("error.html", message=error.message, status=error.status), error.status

    for status in (400, 401, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, _http_error)
    app.register_error_handler(HTTPException, _http_error)  # every other status (409, 415, 422...)


def _http_error(error):
    from flask import jsonify, render_template

    status = getattr(error, "code", 500) or 500
    message = getattr(error, "description", "Internal error")
    if _wants_json():
        messages = (getattr(error, "data", None) or {}).get("messages")
        if status == 422 and messages:  # a request that did not match its schema (flask-smorest/webargs)
            return jsonify(_invalid_request(messages)), 422
        return jsonify({"error": "http_%d" % status, "message": message}), status
    return render_template("error.html", message=message, status=status), status


def _invalid_request(messages):
    """webargs' {location: {field: [messages]}} as a validation_failed error naming the first field."""
    path, text = _first_problem(messages)
    answer = {"error": ValidationFailed.code, "message": f"{path}: {text}" if path else text, "errors": messages}
    return {**answer, "field": path} if path else answer


_LOCATIONS = ("json", "query", "form", "files", "headers", "cookies", "path")


def _first_problem(messages, path=""):
    """(dotted field path, message) of the first problem in a nested webargs/marshmallow error dict."""
    if isinstance(messages, dict) and messages:
        key, value = next(iter(messages.items()))
        if not path and key in _LOCATIONS:
            return _first_problem(value)
        return _first_problem(value, f"{path}.{key}" if path else str(key))
    if isinstance(messages, list) and messages:
        return _first_problem(messages[0], path)
    return path, str(messages) if messages else "Invalid request"
