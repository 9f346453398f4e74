"""Marshmallow schemas of the waybill desk's JSON: a bulk request's progress."""
from marshmallow import Schema, fields


class BatchProgress(Schema):
    """How far a bulk waybill request (运单号申请) got."""

    batch_id = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Orders in the request"})
    requesting = fields.Integer(required=True, metadata={"description": "Waiting for the carrier's answer (申请中)"})
    issued = fields.Integer(required=True, metadata={"description": "With a tracking number and label (申请成功)"})
    failed = fields.Integer(required=True, metadata={"description": "Refused by the carrier (申请失败)"})
    done = fields.Integer(required=True, metadata={"description": "Answered, either way"})
