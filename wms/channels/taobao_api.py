"""The Taobao TMC push receiver: POST /api/channels/<code>/taobao/push (public, signed by TOP).

Routes live on the channel API blueprint; wms/channels/api.py imports this module.
"""
from flask import request

from wms.auth.access import public
from wms.channels import taobao_push
from wms.channels.api import bp
from wms.extensions import csrf


@bp.route("/<code>/taobao/push", methods=["POST"])
@public
@csrf.exempt
@bp.doc(security=[])
def taobao_push_message(code):
    """Receive one TMC message (form fields signed with the app secret); a trade message syncs the channel."""
    fields = request.form.to_dict() or (request.get_json(silent=True) or {})
    return taobao_push.receive_push(code, {k: str(v) for k, v in fields.items()})
