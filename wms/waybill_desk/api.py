"""The waybill desk's JSON: the progress of a bulk waybill request, polled by its page."""
from flask_smorest import Blueprint

from wms import openapi
from wms.auth import roles
from wms.auth.access import allow
from wms.shipping import early_waybills
from wms.waybill_desk.schemas import BatchProgress

bp = Blueprint("waybill_desk_api", __name__, url_prefix="/api/waybill-desk",
               description="The waybill desk (运单号申请): bulk waybill requests before picking")


@bp.get("/batches/<int:batch_id>")
@allow(roles.OFFICE)
@bp.response(200, BatchProgress)
@openapi.errors(bp, 401, 403, 404)
def batch_progress(batch_id):
    """How many of the request's orders have their waybill, failed, or are still being asked for."""
    return early_waybills.batch_progress(batch_id)
