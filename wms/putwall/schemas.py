"""Marshmallow schemas of the put wall's JSON (OpenAPI): the wall's state and its outbox replay."""
from marshmallow import Schema, fields, validate

from wms.picking.schemas import FloorEvents


class WallItem(Schema):
    sku = fields.String(required=True)
    barcodes = fields.List(fields.String(), required=True)
    qty = fields.Integer(required=True, metadata={"description": "Units the slot's order needs"})
    put = fields.Integer(required=True, metadata={"description": "Units put in the slot so far"})


class WallSlot(Schema):
    code = fields.String(required=True, metadata={"description": "The slot's label, scanned at the pack station"})
    number = fields.Integer(required=True)
    row = fields.Integer(required=True)
    col = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["free", "sorting", "complete", "stopped"]})
    order = fields.String(allow_none=True, metadata={"description": "The order's number"})
    order_id = fields.Integer(allow_none=True)
    stopped = fields.String(allow_none=True, metadata={"enum": ["cancelled", "on_hold"]})
    units = fields.Integer(required=True)
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(WallItem), required=True)


class WallInfo(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    rows = fields.Integer(required=True)
    columns = fields.Integer(required=True)
    lights = fields.Boolean(required=True, metadata={"description": "A put-to-light controller is configured"})


class WallState(Schema):
    wall = fields.Nested(WallInfo, required=True)
    slots = fields.List(fields.Nested(WallSlot), required=True)


class WallEvents(FloorEvents):
    """The wall screen's outbox: `wall_put` (wall, barcode) and `wall_clear` (wall, slot) events."""

    device = fields.String(required=True, validate=validate.Length(min=1, max=64),
                           metadata={"description": "The wall screen's device id"})
