"""Marshmallow schemas of the review API's request bodies."""
from marshmallow import INCLUDE, Schema, fields, validate


class ActionBody(Schema):
    """The body of a reviewer action: the version the reviewer saw plus the action's values."""

    expected_version = fields.Integer(required=True)
    reason = fields.String(load_default="")
    changes = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), load_default=dict)
    other_ids = fields.List(fields.Integer(), load_default=list)
    lines = fields.Dict(keys=fields.String(), values=fields.Integer(validate=validate.Range(min=0)),
                        load_default=dict)


class BulkApproveBody(Schema):
    order_ids = fields.List(fields.Integer(), required=True, validate=validate.Length(min=1, max=1000))
    reason = fields.String(load_default="")


class QueueArgs(Schema):
    class Meta:
        unknown = INCLUDE

    state = fields.String(load_default="on_hold")
    reason = fields.String(load_default="")
    channel = fields.String(load_default="")
    q = fields.String(load_default="", validate=validate.Length(max=100))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
