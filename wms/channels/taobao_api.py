"""The Taobao TMC push receiver: POST /api/channels/<code>/taobao/push (public, signed by TOP).

Routes live on the channel API blueprint; wms/channels/api.py imports this module.
"""
from flask import request

from wms import openapi
from wms.auth.access import public
from wms.channels import taobao_push
from wms.channels.api import bp
from wms.channels.schemas import TaobaoPush, TaobaoPushAnswer
from wms.extensions import csrf


@bp.route("/<code>/taobao/push", methods=["POST"])
@public
@csrf.exempt
@bp.doc(security=openapi.PUBLIC,
        **openapi.body(TaobaoPush, content_types=("application/x-www-form-urlencoded", "application/json")))
@bp.alt_response(200, schema=TaobaoPushAnswer, success=True)
@openapi.errors(bp, 401, 404, 409, why={
    401: "The signature, app key or timestamp did not verify (`push_refused`): nothing changed",
    404: "No Taobao channel with this code", 409: "This signed push was received before (`push_replayed`)"})
def taobao_push_message(code):
    """Receive one TMC message (form fields signed with the app secret); a trade message syncs the channel."""
    fields = request.form.to_dict() or request.get_json(silent=True)
    fields = fields if isinstance(fields, dict) else {}
    return taobao_push.receive_push(code, {k: str(v) for k, v in fields.items()})
