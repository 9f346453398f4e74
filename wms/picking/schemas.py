"""Marshmallow schemas of the floor's JSON: a pick task as a handheld downloads it, and the floor
events (outbox replays) with their answers. They document the API (OpenAPI); the events are checked
by wms.picking.event_shape, which answers a malformed event `bad_event` instead of refusing the batch.
"""
from marshmallow import INCLUDE, Schema, fields, validate

from wms.picking.event_shape import INT32_MAX, MAX_EVENT_BYTES
from wms.picking.floor import MAX_BATCH

EVENT_KINDS = ["pick", "short", "count", "pack_scan", "seal"]


class BinRef(Schema):
    code = fields.String(required=True)
    barcode = fields.String(required=True)
    aisle = fields.Integer(required=True, metadata={"description": "0-based aisle index"})


class SkuRef(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    image = fields.String(required=True, allow_none=True, metadata={"description": "Product image URL"})
    barcodes = fields.List(fields.String(), required=True, metadata={"description": "Every barcode of the SKU"})


class PickLineOut(Schema):
    id = fields.Integer(required=True)
    seq = fields.Integer(required=True, metadata={"description": "Position on the route"})
    qty = fields.Integer(required=True)
    picked_qty = fields.Integer(required=True)
    status = fields.String(required=True)
    tote_slot = fields.Integer(required=True, allow_none=True, metadata={"description": "null on single-item carts"})
    order = fields.String(required=True, metadata={"description": "The order's external id"})
    gift = fields.Boolean(required=True, metadata={"description": "A gift line a gift rule added (no price)"})
    bin = fields.Nested(BinRef, required=True)
    sku = fields.Nested(SkuRef, required=True)


class PickTaskOut(Schema):
    """A pick task with everything a handheld needs to pick it offline."""

    id = fields.Integer(required=True)
    code = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["single", "multi"]})
    status = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Send back to detect a concurrent change"})
    wave = fields.String(required=True, metadata={"description": "The wave's code"})
    distance_m = fields.Float(required=True)
    orders = fields.Integer(required=True)
    lines = fields.List(fields.Nested(PickLineOut), required=True)


class FloorEvent(Schema):
    """One event of a handheld's or station's outbox. The envelope (uuid, kind, seq, device, task_id)
    plus the fields of its kind; fields a kind does not read are dropped."""

    class Meta:
        unknown = INCLUDE

    uuid = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.:-]{8,36}$"),
                         metadata={"description": "The client's idempotency key: a replay is answered as before"})
    kind = fields.String(required=True, metadata={"enum": EVENT_KINDS})
    seq = fields.Integer(validate=validate.Range(0, INT32_MAX),
                         metadata={"description": "The device's sequence number"})
    device = fields.String(validate=validate.Length(max=64))
    task_id = fields.Integer(validate=validate.Range(0, INT32_MAX))
    line_id = fields.Integer(validate=validate.Range(1, INT32_MAX), metadata={"description": "pick, short"})
    qty = fields.Integer(metadata={"description": "pick, count, pack_scan"})
    bin = fields.String(validate=validate.Length(max=64), metadata={"description": "pick, count: the scanned bin"})
    barcode = fields.String(validate=validate.Length(max=128), metadata={"description": "the scanned item"})
    found = fields.Integer(metadata={"description": "short: how many were there"})
    reason = fields.String(validate=validate.Length(max=200), metadata={"description": "short"})
    count_id = fields.Integer(validate=validate.Range(1, INT32_MAX), metadata={"description": "count"})
    order_id = fields.Integer(validate=validate.Range(1, INT32_MAX), metadata={"description": "pack_scan, seal"})
    station = fields.String(validate=validate.Length(max=64), metadata={"description": "pack_scan, seal"})
    carton = fields.String(validate=validate.Length(max=40), metadata={"description": "seal"})
    weight_g = fields.Integer(metadata={"description": "seal"})
    paper = fields.String(validate=validate.Length(max=10), metadata={"description": "seal: label paper size"})


class FloorEvents(Schema):
    events = fields.List(fields.Nested(FloorEvent), required=True, validate=validate.Length(max=MAX_BATCH),
                         metadata={"description": f"In order; each event at most {MAX_EVENT_BYTES} bytes"})


class FloorAnswer(Schema):
    """One event's answer. Besides these fields an accepted event carries what changed (`task`, `line`,
    `count`, `verified`, `missing`, `parcel`... by kind)."""

    class Meta:
        unknown = INCLUDE

    uuid = fields.String(required=True, allow_none=True,
                         metadata={"description": "The event's uuid (null if it had none)"})
    status = fields.String(required=True, metadata={"enum": ["accepted", "rejected"]})
    code = fields.String(required=True, metadata={
        "description": "What happened: picked, short_recorded, count_recorded, pack_item_ok, pack_sealed... or why "
                       "not: bad_event, rate_limited, server_busy, uuid_conflict, wrong_sku..."})
    message = fields.String(metadata={"description": "The code as a sentence in the user's language"})
    values = fields.Dict(metadata={"description": "The values the message names"})
    duplicate = fields.Boolean(metadata={"description": "A replay: the answer stored the first time"})
    retry_after = fields.Float(metadata={"description": "rate_limited / server_busy: seconds until sending again"})


class FloorAnswers(Schema):
    answers = fields.List(fields.Nested(FloorAnswer), required=True,
                          metadata={"description": "One per event, in order"})
