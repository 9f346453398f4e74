"""/healthz for a proxy or a monitor: database and Redis reachability."""
from flask import Blueprint, current_app
from sqlalchemy import text

from wms.auth.access import public
from wms.extensions import db
from wms.worker import redis_connection

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz():
    """200 when the database and Redis answer, 503 otherwise, with each check's result."""
    checks = {"database": _check(lambda: db.session.execute(text("SELECT 1"))),
              "redis": _check(lambda: redis_connection(current_app).ping())}
    healthy = all(result == "ok" for result in checks.values())
    return {"status": "ok" if healthy else "degraded", "checks": checks}, 200 if healthy else 503


def _check(probe):
    try:
        probe()
        return "ok"
    except Exception as error:
        return f"error: {type(error).__name__}: {error}"[:200]
