"""Who may call what: every view is either @public or @allow(<capability>).

A test walks the URL map and fails for any view that declares neither, so a new route can never
be open by accident.
"""
from functools import wraps

from flask import g, redirect, request, url_for
from flask_login import current_user

from wms.errors import PermissionDenied


def public(view):
    """Mark a view as reachable without logging in (login page, health check, PWA shell)."""
    view.wms_public = True
    return view


def allow(capability):
    """Allow the roles in `capability` (a frozenset from wms.auth.roles); refuse everyone else."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.path.startswith("/api/") or request.is_json:
                    # a handheld token whose login was ended also says why ({reason, message}: the push's words)
                    return {"error": "unauthenticated", "message": "Log in or send a bearer token",
                            **(g.get("login_refusal") or {})}, 401
                return redirect(url_for("auth.login", next=request.full_path))
            if current_user.role not in capability:
                raise PermissionDenied("Your role may not do this")
            return view(*args, **kwargs)

        guarded.wms_roles = frozenset(capability)
        return guarded

    return decorate


def require_role(user, capability):
    """For socket handlers and services: raise unless user's role is in capability."""
    if user is None or not getattr(user, "is_authenticated", False) or user.role not in capability:
        raise PermissionDenied("Your role may not do this")


def require_channel(actor, channel_code, scope=None):
    """For services acting for a sales channel: an API token bound to other channels (or without
    `scope`) is refused with 403. People are not bound to channels; their role decides."""
    channels = getattr(actor, "channels", None)
    if channels is not None and channel_code not in channels:
        raise PermissionDenied.worded("This API token may not act for channel '{channel}'", channel=channel_code)
    require_scope(actor, scope)


def require_scope(actor, scope):
    """An API token limited to other scopes is refused with 403 (people and unlimited tokens pass)."""
    scopes = getattr(actor, "scopes", None)
    if scope is not None and scopes is not None and scope not in scopes:
        raise PermissionDenied.worded("This API token lacks the scope '{scope}'", scope=scope)
