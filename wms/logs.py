"""Structured logs: one JSON line per request and per job, with ids."""
import json
import logging
import sys
import time
import uuid

from flask import g, request

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {"ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                "logger": record.name, "msg": record.getMessage()}
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level):
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def install_request_logging(app):
    log = logging.getLogger("wms.request")

    @app.before_request
    def _start():
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        from flask_login import current_user

        if request.path.startswith("/static/"):
            return response
        response.headers["X-Request-Id"] = g.get("request_id", "")
        log.info("request", extra={
            "request_id": g.get("request_id"), "method": request.method, "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1),
            "user": getattr(current_user, "username", None) if current_user else None})
        return response
