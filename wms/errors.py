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
    """Turn DomainError (and the HTTP errors) into JSON for the API and pages for people."""

    from flask import jsonify, render_template

    @app.errorhandler(DomainError)
    def handle_domain_error(error):
        if _wants_json():
            return jsonify(error.to_dict()), error.status
        return render_template("error.html", message=error.message, status=error.status), error.status

    for status in (400, 401, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, _http_error)


def _http_error(error):
    from flask import jsonify, render_template

    status = getattr(error, "code", 500) or 500
    message = getattr(error, "description", "Internal error")
    if _wants_json():
        return jsonify({"error": "http_%d" % status, "message": message}), status
    return render_template("error.html", message=message, status=status), status
