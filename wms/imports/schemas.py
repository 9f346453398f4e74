"""The canonical order record as a marshmallow schema: the documented contract of every import.

The JSON API validates with it; files go through `validation.validate_record`, its fast twin
(same messages; a test keeps them in agreement). Field checks come from `validation`.
"""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from wms.imports import validation as v


def _check(fn):
    def run(value):
        reason = fn(value)
        if reason:
            raise ValidationError(reason)
    return run


class IsoDateTime(fields.DateTime):
    """An ISO 8601 date-time (validated exactly as the fast path does)."""

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = v.parse_iso(value)
        if parsed is None:
            raise ValidationError(v.NOT_DATETIME)
        return parsed


class StrictBoolean(fields.Boolean):
    """true or false as JSON booleans only (the fast path's rule: no "yes", no 1)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is True or value is False:
            return value
        raise ValidationError(v.NOT_BOOLEAN)


class LineSchema(Schema):
    """One order line; `sku_code` is matched to a SKU's code or any of its barcodes."""

    class Meta:
        unknown = EXCLUDE

    sku_code = fields.String(required=True, validate=_check(v.check_code(64)),
                             metadata={"description": "SKU code or barcode as the channel sends it"})
    name = fields.String(load_default="", validate=_check(v.max_len(255)))
    qty = fields.Integer(strict=True, load_default=1, validate=_check(v.at_least(1)))
    unit_price_cents = fields.Integer(strict=True, load_default=0, validate=_check(v.at_least(0)),
                                      metadata={"description": "Unit price in cents (99.00 yuan = 9900)"})
    list_price_cents = fields.Integer(strict=True, load_default=None, allow_none=True,
                                      validate=_check(v.at_least(0)),
                                      metadata={"description": "List (tag) price in cents, if known (原价 / 吊牌价): "
                                                               "finance review compares the unit price with it"})


class OrderRecordSchema(Schema):
    """An order from a channel; unique per channel + external_id (re-sending it updates or is a no-op)."""

    class Meta:
        unknown = EXCLUDE

    external_id = fields.String(required=True, validate=_check(v.check_code(64)),
                                metadata={"description": "The channel's order number"})
    ordered_at = IsoDateTime(load_default=None, allow_none=True,
                             metadata={"description": "ISO 8601; without an offset it is UTC"})
    buyer_name = fields.String(load_default="", validate=_check(v.max_len(120)))
    buyer_phone = fields.String(load_default="", validate=_check(v.max_len(40)))
    buyer_email = fields.String(load_default="", validate=_check(v.check_email))
    country = fields.String(load_default="CN", validate=_check(v.check_country),
                            metadata={"description": "ISO 3166-1 alpha-2"})
    province = fields.String(load_default="", validate=_check(v.max_len(60)))
    city = fields.String(load_default="", validate=_check(v.max_len(60)))
    district = fields.String(load_default="", validate=_check(v.max_len(60)))
    address = fields.String(load_default="", validate=_check(v.max_len(500)))
    postcode = fields.String(load_default="", validate=_check(v.max_len(20)))
    total_cents = fields.Integer(strict=True, load_default=0, validate=_check(v.at_least(0)))
    currency = fields.String(load_default="CNY", validate=_check(v.check_currency))
    payment_status = fields.String(load_default="paid", validate=_check(v.check_payment),
                                   metadata={"enum": list(v.PAYMENT_STATUSES)})
    buyer_remark = fields.String(load_default="", validate=_check(v.max_len(2000)))
    seller_note = fields.String(load_default="", validate=_check(v.max_len(2000)))
    tags = fields.List(fields.String(validate=_check(v.TAG_CHECK)), load_default=list)
    priority = fields.Integer(strict=True, load_default=0, metadata={"description": "Higher ships first"})
    carrier_code = fields.String(load_default=None, allow_none=True, validate=_check(v.max_len(40)))
    ship_by = IsoDateTime(load_default=None, allow_none=True,
                          metadata={"description": "The platform's promised ship-by time, ISO 8601; without an "
                                                   "offset it is UTC. Absent: the channel's ship-by rule gives one"})
    presale_ship_from = IsoDateTime(load_default=None, allow_none=True,
                                    metadata={"description": "A presale's ship-from time (预售), ISO 8601; without an "
                                                             "offset it is UTC. It waits out of allocation until then; "
                                                             "its ship-by counts from it"})
    cash_on_delivery = StrictBoolean(load_default=False,
                                     metadata={"description": "Cash on delivery (货到付款): a store with finance "
                                                              "review holds it for finance"})
    invoice_requested = StrictBoolean(load_default=False,
                                      metadata={"description": "The buyer asked for an invoice (发票): a store with "
                                                               "finance review holds it for finance"})
    lines = fields.List(fields.Nested(LineSchema), required=True,
                        validate=validate.Length(min=1, error=v.NO_LINES))

    @pre_load
    def _blank_is_default(self, data, **kwargs):
        return v.blank_to_default(data) if isinstance(data, dict) else data


def flatten_errors(messages, prefix=""):
    """marshmallow's nested error dict -> [(path, reason)] like the fast path's."""
    out = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            out += flatten_errors(value, path)
    elif isinstance(messages, list):
        for item in messages:
            if isinstance(item, (dict, list)):
                out += flatten_errors(item, prefix)
            else:
                out.append((prefix or "_schema", str(item)))
    else:
        out.append((prefix or "_schema", str(messages)))
    return out


def schema_errors(record):
    """The contract's verdict on one record: [(path, reason)], [] when valid."""
    if not isinstance(record, dict):
        return [("_schema", v.NOT_OBJECT)]
    return flatten_errors(OrderRecordSchema().validate(record))


# --- the batch API -------------------------------------------------------------------------

class _OrderList(fields.List):
    """Documented as an array of OrderRecord, loaded as-is: each order is validated on its own
    so that one bad order does not reject the batch."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise ValidationError(v.NOT_LIST)
        return value


class BatchRequestSchema(Schema):
    channel = fields.String(required=True, metadata={"description": "The channel's code"})
    orders = _OrderList(fields.Nested(OrderRecordSchema), required=True,
                        validate=validate.Length(min=1, max=1000))


class RowErrorSchema(Schema):
    field = fields.String()
    reason = fields.String()


class OrderResultSchema(Schema):
    index = fields.Integer(metadata={"description": "Position in the request's orders"})
    external_id = fields.String(allow_none=True)
    outcome = fields.String(metadata={"enum": ["created", "updated", "unchanged", "failed"]})
    order_id = fields.Integer(allow_none=True)
    errors = fields.List(fields.Nested(RowErrorSchema))


class BatchResultSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    failed = fields.Integer()
    results = fields.List(fields.Nested(OrderResultSchema))
