"""Marshmallow schemas of the inventory JSON API (documented in the OpenAPI spec)."""
from marshmallow import Schema, fields


class CountBin(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    barcode = fields.String(required=True)


class CountSku(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    image = fields.String(required=True, allow_none=True)
    barcodes = fields.List(fields.String(), required=True)


class CountTaskOut(Schema):
    """An open count task: count this SKU in this bin (a pick found less than expected)."""

    id = fields.Integer(required=True)
    status = fields.String(required=True)
    missing = fields.Integer(required=True, metadata={"description": "How many the short pick missed"})
    created_at = fields.String(required=True, metadata={"description": "ISO 8601, UTC (Z)"})
    bin = fields.Nested(CountBin, required=True)
    sku = fields.Nested(CountSku, required=True)


class CountTasks(Schema):
    count_tasks = fields.List(fields.Nested(CountTaskOut), required=True, metadata={"description": "Oldest first"})
