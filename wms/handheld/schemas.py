"""Marshmallow schemas of the handheld's REST API (documented in the OpenAPI spec)."""
from marshmallow import Schema, fields

from wms.picking.schemas import PickTaskOut


class HandheldUser(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    locale = fields.String(required=True, metadata={"enum": ["en", "zh_CN"]})


class Bootstrap(Schema):
    """Everything a handheld loads on start to work offline."""

    user = fields.Nested(HandheldUser, required=True)
    device = fields.String(required=True, allow_none=True, metadata={"description": "The token's device code"})
    tasks = fields.List(fields.Nested(PickTaskOut), required=True,
                        metadata={"description": "My assigned and running tasks"})
    catalogue = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                            metadata={"description": "English message -> the user's language ({} for English)"})
    server_time = fields.String(required=True, metadata={"description": "ISO 8601, UTC (Z)"})


class Work(Schema):
    task = fields.Nested(PickTaskOut, required=True, allow_none=True, metadata={"description": "null: no work now"})
