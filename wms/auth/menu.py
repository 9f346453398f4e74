"""The menu of the page being rendered: wms.auth.navigation's groups, kept to the screens the reader
may open, judged by each view's own `@allow` (or `@public`), so the menu and the access rules
cannot drift apart."""
from flask import current_app, has_request_context, request
from flask_login import current_user

from wms.auth import navigation


def may_open(user, endpoint):
    """True when `endpoint` exists and `user` may open it."""
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return False
    if getattr(view, "wms_public", False):
        return True
    return getattr(user, "role", None) in getattr(view, "wms_roles", ())


def menu_for(user):
    """The groups of `user`'s menu, the current screen's group marked active."""
    return navigation.menu_for(getattr(user, "role", None), lambda endpoint: may_open(user, endpoint),
                               request.endpoint, request.blueprint)


def template_context():
    """`menu` (the reader's groups) and `search_endpoint` (None when the reader has no order search)."""
    if not has_request_context() or not getattr(current_user, "is_authenticated", False) \
            or not getattr(current_user, "id", None):
        return {"menu": [], "search_endpoint": None}
    user = current_user._get_current_object()
    search = navigation.SEARCH if may_open(user, navigation.SEARCH) else None
    return {"menu": menu_for(user), "search_endpoint": search}
