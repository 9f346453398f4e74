"""How a request proves who it is: session cookie, handheld token, or integration API token."""
from flask import g

from wms.auth import services
from wms.auth.models import User
from wms.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id):
    user = db.session.get(User, int(user_id)) if user_id and user_id.isdigit() else None
    return user if user is not None and user.active else None


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
    user, device = services.user_from_handheld_token(token)
    if user is not None:
        g.device_code = device
    return user
