"""Marshmallow schemas of the finance desk's API (财审)."""
from marshmallow import INCLUDE, Schema, fields, validate


class DeskArgs(Schema):
    class Meta:
        unknown = INCLUDE

    channel = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "Only this store's orders (a channel id)"})
    platform = fields.String(load_default="", validate=validate.Length(max=20),
                             metadata={"description": "Only this platform's stores (taobao, jd, pdd, douyin...)"})


class DecisionBody(Schema):
    """A finance decision on one order: the version the finance user saw, and a note (a reason: required
    to reject)."""

    expected_version = fields.Integer(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class BulkBody(Schema):
    order_ids = fields.List(fields.Integer(), required=True, validate=validate.Length(min=1, max=1000))
    decision = fields.String(required=True, validate=validate.OneOf(("approve", "reject")))
    note = fields.String(load_default="", validate=validate.Length(max=500))
    expected_versions = fields.Dict(keys=fields.String(), values=fields.Integer(), load_default=dict,
                                    metadata={"description": "{order id: the version seen}; an order left out "
                                                             "is decided at whatever version it has"})


# --- answers ------------------------------------------------------------------------------------

class FinanceReason(Schema):
    class Meta:
        unknown = INCLUDE

    code = fields.String(required=True, metadata={"description": "finance_cod, finance_amount, finance_invoice, "
                                                                  "finance_discount or finance_below_cost"})
    rule = fields.String(required=True, metadata={"description": "The rule's name in the caller's language"})
    detail = fields.String(metadata={"description": "The detail in English"})
    text = fields.String(required=True, metadata={"description": "The detail in the caller's language"})


class WaitingOrder(Schema):
    id = fields.Integer(required=True)
    external_id = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    channel = fields.String(required=True, metadata={"description": "The store's name"})
    platform = fields.String(required=True)
    buyer_name = fields.String(required=True)
    total_cents = fields.Integer(required=True)
    currency = fields.String(required=True)
    reasons = fields.List(fields.Nested(FinanceReason), required=True)
    held_at = fields.String(allow_none=True, metadata={"description": "When it began to wait (UTC, ISO 8601)"})


class DeskPage(Schema):
    rows = fields.List(fields.Nested(WaitingOrder), required=True)
    total = fields.Integer(required=True)


class DecidedOrder(Schema):
    id = fields.Integer(required=True)
    external_id = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)


class BulkResult(Schema):
    order_id = fields.Integer(required=True)
    external_id = fields.String(allow_none=True)
    outcome = fields.String(required=True, metadata={"description": "approve, reject or skipped"})
    reason = fields.String(required=True, metadata={"description": "Why it was skipped (English)"})
    text = fields.String(required=True, metadata={"description": "Why it was skipped, in the caller's language"})


class BulkResults(Schema):
    results = fields.List(fields.Nested(BulkResult), required=True)
