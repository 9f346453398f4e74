"""Marshmallow schemas of the pack station's JSON API (documented in the OpenAPI spec)."""
from marshmallow import EXCLUDE, Schema, fields, validate

from wms.picking.schemas import FloorEvents


class PackItem(Schema):
    sku = fields.String(required=True, metadata={"description": "The SKU's code"})
    name = fields.String(required=True)
    qty = fields.Integer(required=True)
    barcodes = fields.List(fields.String(), required=True)
    weight_g = fields.Integer(required=True)


class Carton(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    tare_g = fields.Integer(required=True)


class PackTask(Schema):
    """An order waiting at the pack bench, with everything a station needs to verify it offline."""

    order_id = fields.Integer(required=True)
    ref = fields.String(required=True, metadata={"description": "The order's external id"})
    status = fields.String(required=True)
    carrier = fields.String(required=True, allow_none=True)
    totes = fields.List(fields.String(), required=True, metadata={"description": "Tote refs <task code>-<slot>"})
    items = fields.List(fields.Nested(PackItem), required=True)
    verified = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                           metadata={"description": "SKU code -> items scanned so far"})
    cartons = fields.List(fields.Nested(Carton), required=True)
    suggested_carton = fields.String(required=True, allow_none=True)
    expected_weight_g = fields.Integer(required=True)


class PackQueue(Schema):
    tasks = fields.List(fields.Nested(PackTask), required=True)


class LookupArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    code = fields.String(load_default="",
                         metadata={"description": "A scanned tote (<task code>-<slot>), order number or id"})


class StationEvents(FloorEvents):
    station = fields.String(required=True, validate=validate.Length(min=1, max=64),
                            metadata={"description": "The station's code"})


class SignedIn(Schema):
    station = fields.String(required=True)


class PrintJob(Schema):
    """A label to print at a station."""

    print_job_id = fields.Integer(required=True)
    parcel_id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    tracking_number = fields.String(required=True, allow_none=True)
    carrier = fields.String(required=True)
    paper = fields.String(required=True, metadata={"description": "Label size, e.g. 100x150"})
    pdf_url = fields.String(required=True)
    status = fields.String(required=True)


class PrintJobs(Schema):
    jobs = fields.List(fields.Nested(PrintJob), required=True)
