"""Who may watch the wall: a logged-in supervisor or admin, or a wall TV holding a live kiosk key.

A kiosk key (from a link made on /wall/desk) is a 256-bit random token; only its sha256 is stored.
It opens the wall's page, its snapshot and its Socket.IO namespace, nothing else; revoking the link
shuts the TV out at its next snapshot or reconnect. The TV sends the key itself (URL, header
`X-Wall-Key`, socket auth), so it keeps working past any session cookie's lifetime.
"""
from flask import request
from flask_login import current_user

from wms.auth import roles
from wms.dashboard import services

KEY_HEADER = "X-Wall-Key"


def is_supervisor():
    return bool(getattr(current_user, "is_authenticated", False)) and current_user.role in roles.SUPERVISE


def may_watch(key=None):
    """True for a supervisor/admin, or for a request carrying a live kiosk key."""
    if is_supervisor():
        return True
    key = key or request.headers.get(KEY_HEADER)
    return services.screen_for_token(key) is not None if key else False
