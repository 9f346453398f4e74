"""Marshmallow schemas of the wall's JSON API (documented in the OpenAPI spec)."""
from marshmallow import Schema, fields


class OrdersNow(Schema):
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                           metadata={"description": "Every order state -> orders in it now"})
    open = fields.Integer(required=True, metadata={"description": "Orders not yet shipped"})


class ShippedToday(Schema):
    today = fields.Integer(required=True)
    target = fields.Integer(required=True)
    pct = fields.Integer(required=True, metadata={"description": "today / target, 0-100"})


class PickerRate(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    units = fields.Integer(required=True)
    lines = fields.Integer(required=True)


class PickRates(Schema):
    """The last hour's picks."""

    units = fields.Integer(required=True)
    lines = fields.Integer(required=True)
    pickers = fields.List(fields.Nested(PickerRate), required=True, metadata={"description": "Busiest first"})
    series = fields.List(fields.Integer(), required=True, metadata={"description": "Units per 5 minutes"})


class WaveProgress(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    status = fields.String(required=True)
    orders = fields.Integer(required=True)
    lines = fields.Integer(required=True)
    done = fields.Integer(required=True)
    pct = fields.Integer(required=True)


class Cutoff(Schema):
    """A carrier's next cut-off and the orders still to ship by it."""

    carrier = fields.String(required=True)
    name = fields.String(required=True)
    cutoff = fields.String(required=True, metadata={"description": "ISO 8601, UTC (Z)"})
    minutes_left = fields.Integer(required=True)
    open = fields.Integer(required=True)
    stages = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "Risk stage -> orders not yet shipped in it"})
    level = fields.String(required=True, metadata={"enum": ["ok", "at_risk", "critical"]})


class Shortage(Schema):
    id = fields.Integer(required=True)
    sku = fields.String(required=True)
    bin = fields.String(required=True)
    at = fields.String(required=True)


class Exceptions(Schema):
    holds = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                        metadata={"description": "Hold reason code -> orders on hold for it"})
    backorder = fields.Integer(required=True)
    presale = fields.Integer(required=True, metadata={"description": "Orders waiting as presales (not backorders)"})
    shortages = fields.Integer(required=True)
    shortage_list = fields.List(fields.Nested(Shortage), required=True)
    waybill_failed = fields.Integer(required=True)
    writeback_failed = fields.Integer(required=True, metadata={
        "description": "Tracking write-backs failed and not dismissed (temporary ones still retried included)"})
    tracking = fields.Integer(required=True, metadata={"description": "Parcels with a tracking exception"})
    stuck = fields.Integer(required=True, metadata={"description": "Orders stuck past their state's time limit"})


class DueChannel(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    overdue = fields.Integer(required=True)
    due = fields.Integer(required=True)


class DueAlert(Schema):
    order_id = fields.Integer(required=True)
    external_id = fields.String(required=True)
    ship_by = fields.String(required=True, metadata={"description": "ISO 8601, UTC (Z)"})
    status = fields.String(required=True)
    channel = fields.String(required=True)


class Deadlines(Schema):
    """Open orders past or near their promised ship-by time (承诺发货时间)."""

    overdue = fields.Integer(required=True)
    due = fields.Integer(required=True, metadata={"description": "Due within `hours` (not yet overdue)"})
    hours = fields.Integer(required=True)
    capped = fields.Boolean(required=True, metadata={"description": "Counted up to 10,000: there are more"})
    channels = fields.List(fields.Nested(DueChannel), required=True, metadata={"description": "Most overdue first"})
    alerts = fields.List(fields.Nested(DueAlert), required=True,
                         metadata={"description": "Alerted orders not packed yet, soonest ship-by first"})


class WallSnapshot(Schema):
    """Everything the wall shows, now."""

    at = fields.String(required=True, metadata={"description": "ISO 8601, UTC (Z)"})
    orders = fields.Nested(OrdersNow, required=True)
    shipped = fields.Nested(ShippedToday, required=True)
    picks = fields.Nested(PickRates, required=True)
    waves = fields.List(fields.Nested(WaveProgress), required=True)
    cutoffs = fields.List(fields.Nested(Cutoff), required=True)
    exceptions = fields.Nested(Exceptions, required=True)
    deadlines = fields.Nested(Deadlines, required=True)


class AssignBody(Schema):
    picker_id = fields.Integer(allow_none=True,
                               metadata={"description": "The new picker's user id; null: back to the pool"})
    version = fields.Integer(allow_none=True,
                             metadata={"description": "The task's version as seen; a newer one is a 409"})


class AssignedTask(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    picker_id = fields.Integer(required=True, allow_none=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)


class Assigned(Schema):
    task = fields.Nested(AssignedTask, required=True)
