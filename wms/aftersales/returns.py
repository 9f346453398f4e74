"""Returns (退货入库): receive goods against a shipped order, inspect each line, restock or write off.

A kit's line (组合装) is returned as sold, as whole kits, and restocks its components
(wms.catalog.kits.expand), each into the line's bin.

Transitions: shipped | delivered | completed -> returned (on the first receipt).
"""
from sqlalchemy import func, select

from wms import aftercommit
from wms.aftersales import cases
from wms.aftersales.case_models import AfterSalesCase
from wms.aftersales.models import INTERCEPT_DONE, RESTOCK, WRITE_OFF, Intercept, ReturnLine, ReturnReceipt
from wms.catalog import kit_services, kits
from wms.catalog.models import Sku
from wms.errors import DomainError, ValidationFailed
from wms.extensions import db
from wms.inputs import actor_name, as_int
from wms.inventory.models import Bin, StockItem
from wms.inventory.services import receive_stock, warehouse_of
from wms.orders import states
from wms.orders.models import Order, OrderLine
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.wording import wording

RESELLABLE = "resellable"
GRADES = (RESELLABLE, "damaged", "wrong_item")   # what inspection found: resellable goes back on a shelf
RETURNABLE = frozenset({states.SHIPPED, states.DELIVERED, states.COMPLETED, states.RETURNED})


def find_returnable(external_id):
    """Orders with this number that can take a return."""
    return db.session.scalars(select(Order).where(Order.external_id == (external_id or "").strip(),
                                                  Order.status.in_(RETURNABLE))).all()


def returnable_lines(order_id):
    """[(order line, qty still returnable)] of an order."""
    order = _order(order_id)
    back = _already_returned(order_id)
    return [(line, line.qty - back.get(line.id, 0)) for line in order.lines]


def return_screen(order_id):
    """The order and its [(line, qty still returnable)], for the return form."""
    return _order(order_id), returnable_lines(order_id)


def receive_return(order_id, lines, actor=None, reference="", note="", confirm_mixed=False, case_id=None):
    """Book a return: lines [{order_line_id, qty, result: restock|write_off, bin_id, reason, grade}]; a
    grade (resellable | damaged | wrong_item) decides the result (resellable: restock, else write off).
    `case_id`: the after-sales case it came back for (wms.aftersales.cases.goods_received); without one
    the parcel is booked unannounced and matched to a case later.

    Any bad line -> ValidationFailed listing every problem; nothing is booked. Restocking into a bin
    that holds other SKUs and none of this one is refused until `confirm_mixed` says it is meant
    (details["confirm"] lists each such line), so a returned item never slips into a stranger's bin.
    """
    order = _order(order_id)
    if order.status not in RETURNABLE:
        raise ValidationFailed.worded("Order {order} is '{status}': only shipped orders can be returned",
                                      order=order.external_id, status=wording(order.status))
    case = None
    if case_id:
        case = get_or_not_found(AfterSalesCase, as_int(case_id), "No such after-sales case")
        cases.check_receivable(case, order.id)
    clean, bins = _check_lines(order, lines)
    if not confirm_mixed:
        _ask_before_mixing(order, clean, bins)
    warehouse_ids = {b.warehouse_id for b in bins.values()} or {warehouse_of(order.id)}
    if len(warehouse_ids) > 1:
        raise ValidationFailed("Restock every line of one return into one warehouse", field="bin")
    receipt = ReturnReceipt(order_id=order.id, warehouse_id=next(iter(warehouse_ids)), received_by=actor_name(actor),
                            reference=(reference or "").strip()[:80], note=(note or "").strip())
    receipt.lines = [ReturnLine(**line) for line in clean]
    db.session.add(receipt)
    said = wording("return received: {lines}", lines=[
        wording("{qty} x {sku} {result}", qty=line["qty"], sku=_sku(order, line["order_line_id"]),
                result=wording(line["result"])) for line in clean])   # restock | write_off
    if order.status != states.RETURNED:
        order.transition_to(states.RETURNED, reason=said, actor=actor)
    else:
        order.note(said, actor=actor, kind="return")
    if case is not None:
        cases.goods_received(case, receipt, actor)
    for intercept in db.session.scalars(select(Intercept).where(Intercept.order_id == order.id,
                                                                Intercept.status != INTERCEPT_DONE)):
        intercept.status, intercept.resolved_at, intercept.resolved_by = INTERCEPT_DONE, utcnow(), actor_name(actor)
        intercept.detail = "the parcel came back"
    restock = _restocked(clean)
    try:
        if restock:
            receive_stock(receipt.warehouse_id, restock, reference=f"return:{order.external_id}", actor=actor,
                          kind="return")  # commits the receipt with the stock
        else:
            aftercommit.commit()
    except DomainError:
        db.session.rollback()
        raise
    return receipt


def _check_lines(order, lines):
    by_id = {line.id: line for line in order.lines}
    back = _already_returned(order.id)
    errors, clean, bins, wanted = [], [], {}, {}
    for number, raw in enumerate(lines or [], start=1):
        line = by_id.get(as_int(raw.get("order_line_id")))
        qty, result, grade = as_int(raw.get("qty")), raw.get("result"), raw.get("grade") or ""
        if grade in GRADES:
            result = RESTOCK if grade == RESELLABLE else WRITE_OFF
            raw = {**raw, "reason": raw.get("reason") or grade.replace("_", " ")}
        bin_id = as_int(raw.get("bin_id")) or _bin_by_code(raw.get("bin_code"))
        reason = str(raw.get("reason") or "").strip()[:200]
        if line is None:
            errors.append({"line": number, "field": "order_line_id", "message": "not a line of this order"})
            continue
        at = {"line": number, "order_line_id": line.id}
        wanted[line.id] = wanted.get(line.id, 0) + (qty or 0)
        left = line.qty - back.get(line.id, 0)
        if qty is None or qty <= 0 or wanted[line.id] > left:
            errors.append({**at, "field": "qty", "message": "Enter a quantity from 1 to {left}",
                           "values": {"left": left}})
        if result not in (RESTOCK, WRITE_OFF):
            errors.append({**at, "field": "result", "message": "Choose restock or write off"})
        elif result == RESTOCK:
            bins[bin_id] = bins.get(bin_id) or (db.session.get(Bin, bin_id) if bin_id else None)
            if bins[bin_id] is None:
                bins.pop(bin_id)
                errors.append({**at, "field": "bin", "message": "Scan or type the bin to restock into"})
            if line.sku_id is None:
                errors.append({**at, "field": "sku", "message": "This line has no SKU to restock"})
        elif not reason:
            errors.append({**at, "field": "reason", "message": "Say why it is written off"})
        clean.append(dict(order_line_id=line.id, sku_id=line.sku_id, qty=qty, result=result,
                          bin_id=bin_id if result == RESTOCK else None, reason=reason,
                          grade=grade if grade in GRADES else ""))
    if errors or not clean:
        raise ValidationFailed("The return has errors; nothing was booked",
                               errors=errors or [
            {"line": 0, "field": "lines", "message": "no lines"}])
    return clean, bins


def _restocked(clean):
    """[(sku_id, bin_id, qty)] going back on the shelves: a kit's line puts back its components."""
    lines = [line for line in clean if line["result"] == RESTOCK]
    table = kit_services.kit_table({line["sku_id"] for line in lines})
    parts = kits.expand([kits.Part(index, line["sku_id"], line["qty"]) for index, line in enumerate(lines)], table)
    return [(part.sku_id, lines[part.line_id]["bin_id"], part.qty) for part in parts]


def _ask_before_mixing(order, clean, bins):
    """Refuse (asking for confirmation) when a restock line's bin holds other SKUs and none of its own
    (a kit's own SKUs are its components)."""
    asked = []
    table = kit_services.kit_table({line["sku_id"] for line in clean})
    for line in clean:
        if line["result"] != RESTOCK or line["sku_id"] is None:
            continue
        own = {component for component, _q in kits.flatten(line["sku_id"], table)} or {line["sku_id"]}
        held = db.session.execute(select(StockItem.sku_id, Sku.code).join(Sku, Sku.id == StockItem.sku_id)
                                  .where(StockItem.bin_id == line["bin_id"], StockItem.on_hand > 0)).all()
        others = sorted(code for sku_id, code in held if sku_id not in own)
        if others and len(others) == len(held):
            asked.append({"order_line_id": line["order_line_id"], "sku": _sku(order, line["order_line_id"]),
                          "bin": bins[line["bin_id"]].code, "holds": ", ".join(others)})
    if asked:
        raise ValidationFailed("A bin holds another SKU: confirm to restock there anyway; nothing was booked",
                               field="bin", confirm=asked)


def _already_returned(order_id):
    return dict(db.session.execute(
        select(ReturnLine.order_line_id, func.sum(ReturnLine.qty)).join(ReturnReceipt)
        .where(ReturnReceipt.order_id == order_id).group_by(ReturnLine.order_line_id)).all())


def _order(order_id):
    return get_or_not_found(Order, order_id, "Order not found")


def _sku(order, order_line_id):
    return db.session.get(OrderLine, order_line_id).sku_code


def _bin_by_code(text):
    text = str(text or "").strip()
    if not text:
        return None
    return db.session.scalar(select(Bin.id).where((Bin.code == text) | (Bin.barcode == text)).limit(1))
