"""Carrier webhooks: POST /api/carriers/<code>/webhook (signature checked by the carrier's adapter)."""
from flask import request
from flask_smorest import Blueprint

from wms.auth.access import public
from wms.extensions import csrf
from wms.tracking import services

bp = Blueprint("tracking_api", __name__, url_prefix="/api/carriers",
               description="Carrier tracking pushes (webhooks)")
csrf.exempt(bp)


@bp.route("/<code>/webhook", methods=["POST"])
@public
def carrier_webhook(code):
    """Receive a carrier's tracking push; 401 on a bad signature; a repeated push changes nothing."""
    new = services.receive_webhook(code, dict(request.headers), request.get_data())
    # Kuaidi100 wants exactly this answer, or it pushes again; other carriers only read the status.
    return {"result": True, "returnCode": "200", "message": "成功", "new_events": new}
