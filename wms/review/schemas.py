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
    after = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                           metadata={"description": "The page after this order: a page's `after` cursor"})
    before = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                            metadata={"description": "The page before this order: a page's `before` cursor"})
    last = fields.Boolean(load_default=False, metadata={"description": "The queue's last page"})
    due = fields.Integer(load_default=None, validate=validate.Range(min=1, max=168),
                         metadata={"description": "Only orders overdue or due to ship within this many hours"})
    tag = fields.String(load_default="", validate=validate.Length(max=40),
                        metadata={"description": "Only orders carrying this tag (case does not matter)"})


# --- answers (documented in the OpenAPI spec; the views build them) --------------------------------

class ReasonOut(Schema):
    """A hold reason or flag, with its text in the caller's language."""

    class Meta:
        unknown = INCLUDE  # a rule may add its own values (wording: the detail's template and values)

    code = fields.String(required=True, metadata={"description": "The rule's code (address, duplicate, price...)"})
    detail = fields.String(metadata={"description": "The detail in English"})
    text = fields.String(required=True, metadata={"description": "The detail in the caller's language"})
    label = fields.String(required=True, metadata={"description": "The chip's short name in the caller's language"})


class QueueRow(Schema):
    id = fields.Integer(required=True)
    external_id = fields.String(required=True)
    version = fields.Integer(required=True)
    channel = fields.String(required=True, metadata={"description": "The channel's name"})
    buyer_name = fields.String(required=True)
    buyer_phone = fields.String(required=True)
    city = fields.String(required=True)
    item_count = fields.Integer(required=True)
    total_cents = fields.Integer(required=True)
    currency = fields.String(required=True)
    age_minutes = fields.Integer(required=True)
    status = fields.String(required=True)
    reasons = fields.List(fields.Nested(ReasonOut), required=True)
    flags = fields.List(fields.Nested(ReasonOut), required=True)
    tags = fields.List(fields.String(), required=True, metadata={"description": "The order's tags, as typed"})
    presale_label = fields.String(allow_none=True, metadata={
        "description": "A presale waiting for its ship-from day: the chip's words in the caller's language"})


_COUNTS = {"description": "code -> orders"}


class DeskDueChannel(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    overdue = fields.Integer(required=True)
    due = fields.Integer(required=True)


class QueueDeadlines(Schema):
    """Open orders overdue or due within `hours` of their promised ship-by time, counted up to 10,000."""

    overdue = fields.Integer(required=True)
    due = fields.Integer(required=True)
    hours = fields.Integer(required=True)
    capped = fields.Boolean(required=True)
    channels = fields.List(fields.Nested(DeskDueChannel), required=True, metadata={"description": "Most overdue first"})


class QueuePage(Schema):
    rows = fields.List(fields.Nested(QueueRow), required=True)
    total = fields.Integer(required=True, metadata={"description": "Orders matching, counted up to 10,000"})
    total_capped = fields.Boolean(required=True, metadata={"description": "More than `total` match"})
    page = fields.Integer(required=True, allow_none=True,
                          metadata={"description": "null: the last page of a count past 10,000"})
    pages = fields.Integer(required=True, allow_none=True, metadata={"description": "null: past 10,000 orders"})
    after = fields.Integer(required=True, allow_none=True,
                           metadata={"description": "Cursor of the next page (pass as `after`); null: none"})
    before = fields.Integer(required=True, allow_none=True,
                            metadata={"description": "Cursor of the previous page (pass as `before`); null: none"})
    searched_capped = fields.Boolean(required=True, metadata={
        "description": "The search text matched more orders than are searched: only the newest are listed"})
    reason_counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata=_COUNTS)
    flag_counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata=_COUNTS)
    state_counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                               metadata={"description": "state -> orders"})
    deadlines = fields.Nested(QueueDeadlines, required=True, allow_none=True,
                              metadata={"description": "With `due`: the ship-by counts per store; else null"})
    waiting = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata={
        "description": "Orders waiting, apart: `presale` (held to their ship-from time) and `backorder` (for stock)"})


class OrderLineOut(Schema):
    id = fields.Integer(required=True)
    sku_code = fields.String(required=True)
    sku_id = fields.Integer(required=True, allow_none=True, metadata={"description": "null: no SKU matched"})
    name = fields.String(required=True)
    qty = fields.Integer(required=True)


class OrderEventOut(Schema):
    at = fields.String(required=True, metadata={"description": "ISO 8601, UTC (Z)"})
    actor = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["state", "edit", "note", "import", "presale"]})
    from_ = fields.String(required=True, data_key="from")
    to = fields.String(required=True)
    reason = fields.String(required=True, metadata={"description": "In English"})
    text = fields.String(required=True, metadata={"description": "The event in the caller's language"})


class ReviewOrder(Schema):
    """An order as the review desk sees it: buyer, address, lines, hold reasons, flags and timeline."""

    id = fields.Integer(required=True)
    external_id = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Send as expected_version with an action"})
    buyer_name = fields.String(required=True)
    buyer_phone = fields.String(required=True)
    buyer_email = fields.String(required=True)
    country = fields.String(required=True)
    province = fields.String(required=True)
    city = fields.String(required=True)
    district = fields.String(required=True)
    address = fields.String(required=True)
    postcode = fields.String(required=True)
    total_cents = fields.Integer(required=True)
    currency = fields.String(required=True)
    payment_status = fields.String(required=True)
    buyer_remark = fields.String(required=True)
    hold_reasons = fields.List(fields.Nested(ReasonOut), required=True)
    flags = fields.List(fields.Nested(ReasonOut), required=True)
    merged_into_id = fields.Integer(required=True, allow_none=True)
    split_from_id = fields.Integer(required=True, allow_none=True)
    lines = fields.List(fields.Nested(OrderLineOut), required=True)
    events = fields.List(fields.Nested(OrderEventOut), required=True)


class BulkApproveRow(Schema):
    order_id = fields.Integer(required=True)
    external_id = fields.String(required=True, allow_none=True)
    outcome = fields.String(required=True, metadata={"enum": ["approved", "skipped"]})
    reason = fields.String(required=True, metadata={"description": "Why it was skipped"})


class BulkApproveResults(Schema):
    results = fields.List(fields.Nested(BulkApproveRow), required=True)
