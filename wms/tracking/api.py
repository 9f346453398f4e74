"""Carrier webhooks: POST /api/carriers/<code>/webhook (signature checked by the carrier's adapter)."""
from flask import request
from flask_smorest import Blueprint

from wms import openapi
from wms.auth.access import public
from wms.extensions import csrf
from wms.tracking import services
from wms.tracking.schemas import CarrierPush, CarrierPushAnswer

bp = Blueprint("tracking_api", __name__, url_prefix="/api/carriers",
               description="Carrier tracking pushes (webhooks)")
csrf.exempt(bp)


@bp.route("/<code>/webhook", methods=["POST"])
@public
@bp.doc(security=openapi.PUBLIC, **openapi.body(CarrierPush, content_types=("application/x-www-form-urlencoded",)))
@bp.alt_response(200, schema=CarrierPushAnswer, success=True)
@openapi.errors(bp, 401, 404, 422, why={401: "The push's signature did not verify (`bad_signature`): nothing recorded",
                                        404: "No such carrier", 422: "The push could not be read"})
def carrier_webhook(code):
    """Receive a carrier's tracking push; 401 on a bad signature; a repeated push changes nothing."""
    new = services.receive_webhook(code, dict(request.headers), request.get_data())
    # Kuaidi100 wants exactly this answer, or it pushes again; other carriers only read the status.
    return {"result": True, "returnCode": "200", "message": "成功", "new_events": new}
