"""What every request and response goes through for safety: ids in URLs, CSRF by the kind of
credential, the Origin of cookie-authenticated API writes, and the security headers.

- `<int:...>` in a route is an id: negative or past the largest PostgreSQL integer it is a 404
  before any view runs, rather than an overflow in the database (a 500 on SQLite); a number out
  of range elsewhere in the request (query string, form) is a 404 too.
- Text that PostgreSQL cannot store (a NUL byte, an unpaired surrogate) reaching a statement from
  anywhere in the request is a 422 validation_failed, the transaction rolled back, not a 500.
- CSRF protects ambient credentials only: a request with a bearer token (a header a cross-site page
  cannot add without a CORS preflight, which this app never grants) is never asked for a CSRF token, and neither is an API call that carries no cookie.
  Webhooks that sign their bodies stay `@csrf.exempt`.
- A cookie-authenticated POST/PUT/PATCH/DELETE under /api/ must come from a page of this host
  (Origin, else Referer); missing or foreign -> 403 in the API's error shape.
- Headers: a Content-Security-Policy fitted to the app's own files (no inline script, no CDN),
  no framing (labels and manifests are PDFs the station prints from a same-origin frame), nosniff,
  same-origin referrers.

Both request checks follow WTF_CSRF_ENABLED, the one switch for cross-site request defences
(off in TestConfig, like CSRF; tests that prove them switch it on).
"""
from urllib.parse import urlsplit

from flask import current_app, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from wms.errors import PermissionDenied
from wms.extensions import db
from wms.rows import MAX_ID

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class IdConverter(IntegerConverter):
    """`<int:...>`: a non-negative integer no larger than MAX_ID, else 404.

    404 at once rather than "no match": werkzeug would answer 405 when another method's rule
    has the same path (its method is checked before its converter).
    """

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def init_app(app):
    """Install the id converter (before any route is added), the request checks and the headers."""
    app.url_map.converters["int"] = IdConverter
    # Flask-WTF's own check would ask bearer-token calls for a CSRF token: ours decides per request.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.before_request(_check_origin)
    app.before_request(_check_csrf)
    app.after_request(_add_headers)
    app.register_error_handler(OverflowError, _number_out_of_range)
    app.register_error_handler(DataError, _number_out_of_range)
    app.register_error_handler(ValueError, _unstorable_text)  # UnicodeEncodeError is a ValueError


# --- who is calling ---------------------------------------------------------------------------

def has_bearer_token():
    """The request carries its own credential (a cross-site page cannot set this header)."""
    return request.headers.get("Authorization", "").startswith("Bearer ")


def has_session_cookie():
    """The browser sent a credential on its own (the session or a remember-me cookie)."""
    config = current_app.config
    return any(name in request.cookies for name in (config.get("SESSION_COOKIE_NAME", "session"),
                                                    config.get("REMEMBER_COOKIE_NAME", "remember_token")))


def _is_api():
    return request.path.startswith("/api/")


# --- request checks ---------------------------------------------------------------------------

def _check_csrf():
    """CSRF for cookie sessions only, decided here for every view (webhooks stay @csrf.exempt)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True) or has_bearer_token():
        return
    if _is_api() and not has_session_cookie():
        return  # no ambient credential to forge with: @allow answers 401 if the view needs one
    current_app.extensions["csrf"].protect(apply_exemptions=True)


def _check_origin():
    """A cookie-authenticated write to the JSON API must come from a page of this host."""
    if (not current_app.config.get("WTF_CSRF_ENABLED", True) or request.method not in STATE_CHANGING
            or not _is_api() or has_bearer_token() or not has_session_cookie()):
        return
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        raise PermissionDenied("This request must come from a page of this site (no Origin header)")
    if urlsplit(source).netloc.lower() != request.host.lower():
        raise PermissionDenied("This request must come from a page of this site (foreign Origin)")


def _number_out_of_range(error):
    """A number from a query string or form too large for the database names no row: 404, not a 500
    (SQLite: OverflowError before the statement runs; PostgreSQL: "out of range", the transaction
    rolled back)."""
    if "SQLite INTEGER" not in str(error) and "out of range" not in str(error):
        raise error
    if isinstance(error, DataError):
        db.session.rollback()
    from flask import jsonify, render_template

    from wms.errors import _wants_json

    message = "No such record: a number in the request is out of range"
    if _wants_json():
        return jsonify({"error": "not_found", "message": message}), 404
    return render_template("error.html", message=message, status=404), 404


def _unstorable_text(error):
    """psycopg2 refuses a NUL byte ("A string literal cannot contain NUL") and UTF-8 an unpaired
    surrogate in a parameter, before the statement runs: the request's text, not a server error."""
    unstorable = ("NUL (0x00)" in str(error)
                  or isinstance(error, UnicodeEncodeError) and error.reason == "surrogates not allowed")
    if not unstorable:
        raise error
    db.session.rollback()
    from flask import jsonify, render_template

    from wms.errors import ValidationFailed, _wants_json

    message = "Text in the request contains a NUL byte or an unpaired surrogate"
    if _wants_json():
        return jsonify({"error": ValidationFailed.code, "message": message}), 422
    return render_template("error.html", message=message, status=422), 422


# --- response headers -------------------------------------------------------------------------

LOOPBACK_SOCKETS = "ws://127.0.0.1:* wss://127.0.0.1:* ws://localhost:* wss://localhost:*"


def content_security_policy(host):
    """The policy for pages served from `host`: only this site's own files run.

    'wasm-unsafe-eval': the handheld's camera scanner compiles the vendored ZXing wasm. ws/wss:
    Socket.IO to the same host (not every browser counts them as 'self'); ws/wss on the loopback, any
    port: the print component on the packing PC itself (CAINIAO's 13528/13529, PDD's and Douyin's
    others; wms/shipping/print_component.py), never another machine. img https: product
    images are URLs from the shops. Style attributes stay allowed (bar widths, ECharts tooltips);
    style sheets come from this site only.
    """
    return "; ".join((
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        f"connect-src 'self' ws://{host} wss://{host} {LOOPBACK_SOCKETS}",
        "font-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def _add_headers(response):
    """Security headers on every response (a view may have set its own: it is kept)."""
    headers = response.headers
    if response.mimetype == "application/pdf":
        # Labels and manifests print from a same-origin frame; nothing in a PDF runs our scripts.
        headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    else:
        headers.setdefault("Content-Security-Policy", content_security_policy(request.host))
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    return response
