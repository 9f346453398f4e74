"""Marshmallow schemas of the pack station's JSON API (documented in the OpenAPI spec)."""
from marshmallow import EXCLUDE, Schema, fields, validate

from wms.picking.schemas import FloorEvents


class PackItem(Schema):
    sku = fields.String(required=True, metadata={"description": "The SKU's code"})
    name = fields.String(required=True)
    qty = fields.Integer(required=True)
    barcodes = fields.List(fields.String(), required=True)
    weight_g = fields.Integer(required=True)
    kits = fields.List(fields.String(), metadata={
        "description": "Codes of the order's kits (组合装) this SKU is packed in: a kit is checked as its components"})


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
    early_label = fields.String(allow_none=True, metadata={
        "description": "The tracking number of the label printed before picking (the seal reuses it), or null"})


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
    parcel_id = fields.Integer(required=True, allow_none=True,
                               metadata={"description": "None for a label printed before picking (no parcel yet)"})
    order_id = fields.Integer(required=True)
    tracking_number = fields.String(required=True, allow_none=True)
    carrier = fields.String(required=True)
    paper = fields.String(required=True, metadata={"description": "Label size, e.g. 100x150"})
    pdf_url = fields.String(required=True)
    status = fields.String(required=True)


class PrintJobs(Schema):
    jobs = fields.List(fields.Nested(PrintJob), required=True)


class ComponentTask(Schema):
    """A `print` task for the station's print component (CAINIAO 打印组件 protocol; the page adds cmd,
    requestID and version): one document per label, its contents the template and the label's values."""

    taskID = fields.String(required=True, metadata={"description": "wms-<print job id>"})
    printer = fields.String(required=True, metadata={"description": "The component's printer; empty: its default"})
    preview = fields.Boolean(required=True)
    documents = fields.List(fields.Dict(), required=True,
                            metadata={"description": "[{documentID: tracking number, contents: [{templateURL, data}]}]"})


class StationPrintJob(PrintJob):
    """A label to print at a station, with the print component's task when the station has one."""

    task = fields.Nested(ComponentTask, metadata={"description": "Present when the station has a print component"})
    error = fields.String(metadata={"description": "Why it failed, in the printer's or component's words"})
    kind = fields.String(metadata={"description": "seal, reprint or batch"})


class StationPrintJobs(Schema):
    jobs = fields.List(fields.Nested(StationPrintJob), required=True)


class ParcelLabel(Schema):
    """Where a sealed parcel's label stands at a station."""

    parcel_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "sealed (waybill asked for), labelled, waybill_failed, ..."})
    waybill_error = fields.String(required=True, metadata={"description": "The carrier's words when the waybill failed"})
    failure_kind = fields.String(required=True, metadata={"description": "temporary (asked again by itself), permanent or empty"})
    job = fields.Nested(StationPrintJob, required=True, allow_none=True,
                        metadata={"description": "The latest print job of the parcel at this station (queued while its label is awaited)"})


class PrintOutcome(Schema):
    """What the station's print component did with a job."""

    outcome = fields.String(required=True, validate=validate.OneOf(("submitted", "printed", "failed")),
                            metadata={"description": "submitted: the component took the task; printed / failed: its notice"})
    error = fields.String(load_default="", validate=validate.Length(max=300),
                          metadata={"description": "The component's words when it failed"})


class PrintBatch(Schema):
    """Labels to print at a station, in the order to print them (a wave's labels in pick order)."""

    parcel_ids = fields.List(fields.Integer(), required=True, validate=validate.Length(min=1, max=500))
