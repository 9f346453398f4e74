"""The receiving and adjust / count forms: what a person typed or scanned, checked input by input,
then booked by the stock use cases (wms/inventory/stock.py).

Why: the pages read each number with int() and stopped at the first problem, then redirected, so a
refused receipt lost the scans and the quantity and nothing said which input was wrong. Here every
wrong input is named at once (`details["fields"]`: {input: {message, values}}, English templates the
page shows in the reader's language through wms.forms.field_errors) and nothing is booked.
"""
from wms.errors import InsufficientStock, ValidationFailed
from wms.extensions import db
from wms.inventory import stock
from wms.inventory.models import Warehouse
from wms.rows import MAX_ID

REFUSED = "Some inputs need correcting: see the marked fields"
REFERENCE_LENGTH = 80
REASON_LENGTH = 200
ADJUST, COUNT = "adjust", "count"
MODES = (ADJUST, COUNT)


def receive(posted, *, actor):
    """Book a receipt of one SKU into one bin from the receiving form; the stock use case's result."""
    problems = {}
    warehouse_id, sku_id, bin_id = _scanned(posted, problems)
    qty = _whole(posted, "qty", problems, minimum=1)
    reference = _text(posted, "reference", problems, REFERENCE_LENGTH)
    _refuse_if(problems)
    return stock.receive_stock(warehouse_id, [(sku_id, bin_id, qty)], reference, actor=actor)


def adjust_or_count(posted, *, actor):
    """Adjust a bin's stock of one SKU (a signed change with a reason) or record its cycle count (the
    quantity counted), from the adjust / count form; the mode booked."""
    problems = {}
    mode = (posted.get("mode") or ADJUST).strip()
    if mode not in MODES:
        problems["mode"] = {"message": "Choose one of the listed values", "values": {}}
    warehouse_id, sku_id, bin_id = _scanned(posted, problems)
    if mode == COUNT:
        qty = _whole(posted, "qty", problems, minimum=0)
    else:
        qty = _whole(posted, "qty", problems, minimum=-stock.MAX_QTY)
        if qty == 0:
            problems["qty"] = {"message": "Enter the change: a number of pieces to add, or to remove with a minus "
                                          "sign (e.g. -2)", "values": {}}
    reason = _text(posted, "reason", problems, REASON_LENGTH)
    if mode == ADJUST and not reason and "reason" not in problems:
        problems["reason"] = {"message": "Give a reason for the adjustment", "values": {}}
    _refuse_if(problems)
    try:
        if mode == COUNT:
            stock.count_bin(bin_id, {sku_id: qty}, actor=actor)
        else:
            stock.adjust_stock(bin_id, sku_id, qty, reason, actor=actor)
    except InsufficientStock as refused:   # the quantity is what to change: the page marks it
        refused.details.setdefault("field", "qty")
        raise
    return mode


def _scanned(posted, problems):
    """(warehouse id, SKU id, bin id) of the form's warehouse and scans; None for each that is wrong."""
    warehouse_id = _whole(posted, "warehouse", {}, minimum=1, maximum=MAX_ID)
    warehouse = db.session.get(Warehouse, warehouse_id) if warehouse_id is not None else None
    if warehouse is None or not warehouse.active:
        problems["warehouse"] = {"message": "Choose a warehouse", "values": {}}
    sku_id = bin_id = None
    sku_text, bin_text = (posted.get("sku") or "").strip(), (posted.get("bin") or "").strip()
    if not sku_text:
        problems["sku"] = {"message": "Required", "values": {}}
    elif (sku_id := stock.sku_by_scan(sku_text)) is None:
        problems["sku"] = {"message": "Unknown SKU or barcode", "values": {}}
    if not bin_text:
        problems["bin"] = {"message": "Required", "values": {}}
    elif warehouse is not None and (bin_id := stock.bin_by_scan(warehouse.id, bin_text)) is None:
        problems["bin"] = {"message": "Unknown bin in this warehouse", "values": {}}
    return (warehouse.id if warehouse is not None else None), sku_id, bin_id


def _whole(posted, name, problems, *, minimum, maximum=stock.MAX_QTY):
    """The whole number typed into `name`, or None with its problem noted."""
    text = (posted.get(name) or "").strip()
    if not text:
        problems[name] = {"message": "Required", "values": {}}
        return None
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        problems[name] = {"message": "Enter a whole number from {minimum} to {maximum}",
                          "values": {"minimum": minimum, "maximum": maximum}}
        return None
    return value


def _text(posted, name, problems, limit):
    text = (posted.get(name) or "").strip()
    if len(text) > limit:
        problems[name] = {"message": "At most {max_length} characters", "values": {"max_length": limit}}
    return text


def _refuse_if(problems):
    if problems:
        raise ValidationFailed(REFUSED, field=next(iter(problems)), fields=problems)
