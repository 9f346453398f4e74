"""JSON batch import for integrations: POST /api/orders/batch with a bearer token."""
from flask_login import current_user
from flask_smorest import Blueprint

from wms import openapi
from wms.auth import roles
from wms.auth.access import allow
from wms.imports import services
from wms.imports.schemas import BatchRequestSchema, BatchResultSchema

bp = Blueprint("imports_api", __name__, url_prefix="/api/orders",
               description="Order import: batches of canonical order records, idempotent per channel + external_id")


@bp.route("/batch", methods=["POST"])
@allow(roles.IMPORT)
@bp.arguments(BatchRequestSchema)
@bp.response(200, BatchResultSchema)
@openapi.errors(bp, 401, 403, 404)
def import_batch(body):
    """Import up to 1000 orders; each is created, updated, unchanged or failed (with reasons)."""
    result = services.import_order_batch(body["channel"], body["orders"], actor=current_user)
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "failed": result.failed,
            "results": [{"index": r.index, "external_id": r.external_id, "outcome": r.outcome,
                         "order_id": r.order_id, "errors": r.errors} for r in result.results]}
