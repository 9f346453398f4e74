"""How a request proves who it is: session cookie, handheld token, or integration API token.

A session cookie and a handheld token each name a login kept in the store (wms.auth.sessions):
the user id alone, even signed, is not enough. The login's id is left in `g.auth_session_id`.
"""
from flask import g, session

from wms.auth import services, sessions
from wms.extensions import login_manager

login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"

SESSION_KEY = "wms_sid"  # the login's key in the Flask session cookie


@login_manager.user_loader
def load_user(user_id):
    if not (user_id and user_id.isdigit()):
        return None
    user, session_id = sessions.user_for(int(user_id), session.get(SESSION_KEY))
    if user is not None:
        g.auth_session_id = session_id
    return user


@login_manager.request_loader
def load_from_bearer(request):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return principal_for_token(header[7:].strip())


def principal_for_token(token):
    """A user (handheld token) or a token principal (integration token), else None."""
    if token.startswith("wms_"):
        return services.principal_for_api_token(token)
    user, device, session_id = services.handheld_identity(token)
    if user is not None:
        g.device_code = device
        g.auth_session_id = session_id
    else:
        g.login_refusal = services.handheld_refusal(token)  # why, for the 401 (wms.auth.access.allow)
    return user
