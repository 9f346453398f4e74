"""Domain exceptions and how they reach HTTP and Socket.IO clients.

The exception classes are plain Python so that pure modules may raise them; Flask is only
imported by the handlers.

One path each for the three kinds of client: under /api/ an error is JSON ({error, message, ...},
register_error_handlers); a page action runs its service in `with flash_errors() as refused:`, which
flashes the refusal in the reader's language (`error_text`) and leaves the answer (redirect, or the
form again with `refused.status`) to the view; a socket handler decorated `@answers_refusals`
answers `refusal_answer(error)`, the shape of a rejected floor event.
"""
from contextlib import contextmanager
from functools import wraps

from wms import wording as words


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

    @classmethod
    def worded(cls, template, /, **values):
        """The refusal made from an English `template` and its `values`, kept apart so that a page tells
        it in the reader's language (error_text) and a socket sends its code and values; the message
        (APIs, logs) is the English. A value may be a wording (wms.wording): `wording(order.status)`
        reads "已审核" in Chinese. Details (field=..., current=...) go in `details`:

            raise ValidationFailed.worded("{order} is from another store", order=other.external_id)
        """
        details = values.pop("details", None) or {}
        error = cls(words.english(words.wording(template, **values)), **details)
        error.template, error.values = template, values
        return error


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


# --- pages and sockets ---------------------------------------------------------------------------

MAX_LISTED_PROBLEMS = 50  # a 10,000-row file with a bad column must not make a flash of 10,000 lines


def error_text(error):
    """A refusal in the reader's language: its template (or message) translated and filled, then the
    rows or lines it lists (`details["errors"]`: [{row or line, field, message}]), one by one."""
    from wms.i18n import _, render

    template, values = _wording_of(error)
    text = render(words.wording(template, **values))
    problems = error.details.get("errors")
    if isinstance(problems, list):
        text += "".join(_problem_text(problem, _) for problem in problems[:MAX_LISTED_PROBLEMS]
                        if isinstance(problem, dict))
    return text


def _problem_text(problem, _):
    label = "row" if "row" in problem else "line"
    message, values = _(str(problem.get("message", ""))), problem.get("values")
    message = message.format(**values) if isinstance(values, dict) and values else message
    return f" · {_(label)} {problem.get(label, '')} {problem.get('field', '')}: {message}"


def _wording_of(error):
    """(template, values) of an error: the English template and values its message was filled from,
    when the service kept them on it (attributes `template`, `values`), else its message alone."""
    return getattr(error, "template", None) or error.message, getattr(error, "values", None) or {}


class Refused:
    """What `flash_errors` caught: false until a DomainError was flashed, then that error."""

    error = None

    def __bool__(self):
        return self.error is not None

    @property
    def status(self):
        return self.error.status


@contextmanager
def flash_errors(text=error_text):
    """A page action's refusal path: a DomainError raised in the block is flashed ("error") as
    `text(error)` (error_text: translated) and stops the block; the view then answers as it would
    anyway, or differently when `refused` (e.g. the form again with the user's input and
    `refused.status`). Anything else propagates.

        with flash_errors() as refused:
            user = services.create_user(...)
        if refused:
            return users_page(form=request.form), refused.status
    """
    refused = Refused()
    try:
        yield refused
    except DomainError as error:
        from flask import flash

        refused.error = error
        flash(text(error), "error")


def refusal_answer(error):
    """A socket's answer to a DomainError: the shape of a rejected floor event
    (wms.picking.floor_answers), {"status": "rejected", "code", "values", "message"}; the message
    stays English, the client translates it (static/handheld/i18n.js messageOf)."""
    return {"status": "rejected", "code": error.code, "values": _plain(_wording_of(error)[1]),
            "message": error.message}


def answers_refusals(handler):
    """Socket handler decorator: a DomainError raised inside is answered `refusal_answer(error)`."""

    @wraps(handler)
    def answer(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except DomainError as error:
            return refusal_answer(error)

    return answer


def _plain(values):
    return {str(name): value if isinstance(value, (str, int, float, bool)) or value is None
            else words.english(value) if words.is_wording(value) else str(value)
            for name, value in values.items()}


# --- HTTP ----------------------------------------------------------------------------------------

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
        return render_template("error.html", message=error_text(error), status=error.status), error.status

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
