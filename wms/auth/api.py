"""The auth JSON API: the handheld's token login and logout, and who a credential belongs to."""
from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from wms import openapi
from wms.auth import roles, services
from wms.auth.access import allow, public
from wms.auth.schemas import HandheldLogin, HandheldLoginBody, LoggedOut, Me
from wms.errors import ValidationFailed
from wms.extensions import csrf

bp = Blueprint("auth_api", __name__, url_prefix="/api/auth",
               description="Logging in from a handheld or pack station (bearer tokens), and who is calling")


@bp.post("/handheld")
@csrf.exempt
@public
@bp.doc(security=openapi.PUBLIC, **openapi.body(HandheldLoginBody))
@bp.alt_response(200, schema=HandheldLogin, success=True)
@openapi.errors(bp, 403, 422, 429)
def handheld_login():
    """Handheld login by badge QR or username + PIN; answers a bearer token for REST and Socket.IO."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    if body.get("badge"):
        user = services.authenticate_badge(str(body["badge"]), address=request.remote_addr)
    elif body.get("username") and body.get("pin"):
        user = services.authenticate_pin(str(body["username"]), str(body["pin"]), address=request.remote_addr)
    else:
        raise ValidationFailed("Scan your badge, or enter your username and PIN")
    device = services.register_device(body.get("device"), kind=body.get("kind", "handheld"), user=user)
    return {"token": services.issue_handheld_token(user, device), "user": user_json(user), "device": device.code}


@bp.post("/logout")
@csrf.exempt
@public
@bp.doc(security=[{"bearerAuth": []}])
@bp.alt_response(200, schema=LoggedOut, success=True)
def api_logout():
    """Handheld logout: the bearer token's login ends (the token stops working at once)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and not header[7:].startswith("wms_"):
        services.end_handheld_login(header[7:].strip())
    return {"status": "logged_out"}


@bp.get("/me")
@allow(roles.EVERYONE | {roles.INTEGRATION})
@bp.alt_response(200, schema=Me, success=True)
@openapi.errors(bp, 401)
def me():
    """Who the bearer token or session belongs to."""
    return user_json(current_user)


def user_json(user):
    return {"id": user.id, "username": user.username, "name": user.display_name,
            "role": user.role, "locale": getattr(user, "locale", "en")}
