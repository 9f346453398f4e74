"""The auth JSON API: the handheld's token login and logout, and who a credential belongs to."""
from flask import g, request, session, url_for
from flask_login import current_user, login_user
from flask_smorest import Blueprint

from wms import openapi
from wms.auth import navigation, roles, services, sessions
from wms.auth.access import allow, public
from wms.auth.schemas import DeskSession, HandheldLogin, HandheldLoginBody, LoggedOut, Me
from wms.auth_loaders import SESSION_KEY
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
    landing = navigation.handheld_landing(user.role)
    return {"token": services.issue_handheld_token(user, device), "user": user_json(user), "device": device.code,
            "home": url_for(landing) if landing else None}


@bp.post("/session")
@allow(roles.EVERYONE)
@bp.doc(security=[{"bearerAuth": []}])
@bp.alt_response(200, schema=DeskSession, success=True)
@openapi.errors(bp, 401, 422)
def desk_session():
    """The handheld token's login handed over to this browser as a desk session (the token stops
    working): how a packer who logs in on the handheld app reaches the pack station."""
    if not getattr(g, "device_code", None):
        raise ValidationFailed("Only a handheld login can be handed over to the desk")
    user = current_user._get_current_object()
    key = sessions.hand_over(user, g.auth_session_id)
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = key
    login_user(user)
    return {"home": url_for(navigation.home_endpoint(user.role))}


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
