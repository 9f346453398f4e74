"""Marshmallow schemas of the auth API (/api/auth): documented in the OpenAPI spec."""
from marshmallow import Schema, fields


class HandheldLoginBody(Schema):
    """A handheld's (or pack station's) login: a scanned badge, or username + PIN; and the device."""

    badge = fields.String(metadata={"description": "The badge QR's text (WMSBADGE:...); takes precedence"})
    username = fields.String(metadata={"description": "With `pin`, when no badge is scanned"})
    pin = fields.String(metadata={"description": "The user's 6-digit PIN"})
    device = fields.String(required=True, metadata={
        "description": "The device's own id (kept in the PWA's storage), at most 64 characters"})
    kind = fields.String(load_default="handheld", metadata={"enum": ["handheld", "station"]})


class Me(Schema):
    """Who a session cookie or bearer token belongs to."""

    id = fields.Integer(allow_none=True, metadata={"description": "null for an integration API token"})
    username = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    locale = fields.String(required=True, metadata={"enum": ["en", "zh_CN"]})


class HandheldLogin(Schema):
    token = fields.String(required=True, metadata={"description": "Send as `Authorization: Bearer <token>`"})
    user = fields.Nested(Me, required=True)
    device = fields.String(required=True, metadata={"description": "The device's code as registered"})
    home = fields.String(allow_none=True, required=True, metadata={
        "description": "null: the handheld app is this user's place; else the desk screen to open, after "
                       "handing the login over with POST /api/auth/session"})


class DeskSession(Schema):
    home = fields.String(required=True, metadata={"description": "The desk screen to open (the session cookie is set)"})


class LoggedOut(Schema):
    status = fields.String(required=True, metadata={"enum": ["logged_out"]})
