"""Pack station use cases: what to pack, item verification (复核), seal. Scans and seals arrive as
floor events (wms/picking/floor.py), applied exactly once per client UUID. The stations and their
label printers are shipping's (wms/shipping/stations.py).

Transitions: picked -> packed (seal, through wms.shipping.waybills.seal_parcel).
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from wms import aftercommit, pack_codes
from wms.auth import roles
from wms.catalog import kit_services, kits
from wms.catalog.models import Sku
from wms.errors import DomainError, IllegalTransition, NotFound
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order, OrderLine
from wms.packing import ship_from, verify  # noqa: F401  ship_from: answers shipping's labels where they ship from
from wms.packing.models import SESSION_OPEN, SESSION_SEALED, CartonType, PackSession
from wms.picking.floor_answers import Rejected
from wms.picking.models import PickLine, PickTask
from wms.shipping import early_waybills, stations, waybills
from wms.timeutil import utcnow
from wms.wording import wording

QUEUE_LIMIT = 100


def cartons():
    return db.session.scalars(select(CartonType).where(CartonType.active.is_(True)).order_by(CartonType.code)).all()


def save_carton(code, **fields):
    row = db.session.scalar(select(CartonType).where(CartonType.code == code)) or CartonType(code=code)
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.add(row)
    aftercommit.commit()
    return row


# --- what to pack ------------------------------------------------------------------------------

def pack_queue():
    """Orders waiting at the pack bench (picked), with everything a station needs offline.

    Read in a fixed number of statements whatever the queue's length: the cartons, open sessions
    and tote references of all its orders are loaded once, not per order."""
    orders = db.session.scalars(select(Order).where(Order.status == states.PICKED)
                                .options(selectinload(Order.lines).selectinload(OrderLine.sku).selectinload(Sku.barcodes))
                                .order_by(Order.priority.desc(), Order.id).limit(QUEUE_LIMIT)).all()
    ids = [order.id for order in orders]
    carton_rows, sessions, totes = cartons(), _open_sessions(ids), _tote_refs_of(ids)
    early = early_waybills.issued_numbers(ids)
    kit_book = _kit_book(orders)
    return [task_payload(order, carton_rows=carton_rows, session=sessions.get(order.id), totes=totes.get(order.id, []),
                         early_label=early.get(order.id), kit_book=kit_book) for order in orders]


_UNREAD = object()


def task_payload(order, *, carton_rows=None, session=_UNREAD, totes=None, early_label=_UNREAD, kit_book=None):
    """What a station needs to verify and seal one order (the queue passes what it read for all);
    early_label: the tracking number of the label printed before picking that its seal reuses, or None.
    A kit's line is checked as its components (each item names the kit it came in)."""
    kit_book = kit_book or _kit_book([order])
    items = _items(order, kit_book)
    carton_rows = cartons() if carton_rows is None else carton_rows
    suggested = verify.suggest_carton(items, [_carton(c) for c in carton_rows])
    session = _open_session(order.id) if session is _UNREAD else session
    return {"order_id": order.id, "ref": order.external_id, "status": order.status, "carrier": order.carrier_code,
            "totes": _tote_refs(order.id) if totes is None else totes,
            "items": [{"sku": i.sku, "name": i.name, "qty": i.qty, "barcodes": list(i.barcodes), "weight_g": i.weight_g,
                       "kits": kit_book.kits_of(order, i.sku)} for i in items],
            "verified": dict(session.verified) if session else {},
            "cartons": [{"code": c.code, "name": c.name, "tare_g": c.tare_g} for c in carton_rows],
            "suggested_carton": suggested.code if suggested else None,
            "expected_weight_g": verify.expected_weight_g(items, suggested),
            "early_label": early_waybills.issued_numbers([order.id]).get(order.id) if early_label is _UNREAD
            else early_label}


def find_order(code):
    """The order behind a scanned tote (<task code>-<slot>), order number, early label's tracking number,
    put wall slot or id."""
    code = str(code or "").strip()
    order = db.session.scalar(select(Order).where(Order.external_id == code).order_by(Order.id.desc()))
    if order is None and "-" in code:
        task_code, _, slot = code.rpartition("-")
        if slot.isascii() and slot.isdigit():
            order_id = db.session.scalar(select(PickLine.order_id).join(PickTask, PickTask.id == PickLine.task_id)
                                         .where(PickTask.code == task_code, PickLine.tote_slot == int(slot)))
            order = db.session.get(Order, order_id) if order_id else None
    if order is None:
        order = _order_of_early_label(code)
    if order is None:  # a put wall's slot code (wms.pack_codes: the wall registers it)
        order_id = pack_codes.order_id_for(code)
        order = db.session.get(Order, order_id) if order_id else None
    if order is None and code.isascii() and code.isdigit():
        order = db.session.get(Order, int(code))
    if order is None:
        raise NotFound.worded("nothing to pack for '{code}'", code=code)
    return order


def _order_of_early_label(code):
    """The 店小秘 flow: the label printed before picking is on the goods; its tracking number opens the
    order, but only one ready to pack (picked), so a label scanned too early or on the wrong tote
    never starts packing."""
    order = early_waybills.order_for_tracking(code)
    if order is not None and order.status != states.PICKED:
        raise IllegalTransition.worded("Order {order} is {status}: not ready to pack", order=order.external_id,
                                       status=wording(order.status), details={"current": order.status})
    return order


# --- floor events --------------------------------------------------------------------------------

def on_pack_scan(user, event):
    """One item scanned at the station: counted, or refused loudly (wrong item, one too many)."""
    _require_packer(user)
    order = _packable_order(event.get("order_id"))
    qty = event.get("qty", 1)
    if not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
        raise Rejected("pack_bad_qty")
    session = _open_session(order.id) or PackSession(order_id=order.id, verified={})
    session.station_code, session.user_id = str(event.get("station") or "")[:64], user.id
    items = _items(order)
    try:
        session.verified = verify.count_scan(items, dict(session.verified or {}), event.get("barcode"), qty)
    except verify.PackProblem as problem:
        raise Rejected(problem.code, **problem.values) from None
    db.session.add(session)
    _flush_or_busy()
    left = verify.missing(items, session.verified)
    code = "pack_complete" if not left else "pack_item_ok"
    item = verify.sku_for_barcode(items, event.get("barcode"))
    return {"code": code, "sku": item.sku, "verified": session.verified, "missing": left,
            "message": _message(code, sku=item.sku, done=session.verified[item.sku], qty=item.qty)}


def on_seal(user, event):
    """All items verified, carton chosen, weight within tolerance: seal -> parcel -> waybill job."""
    _require_packer(user)
    order = _packable_order(event.get("order_id"), sealing=True)
    items = _items(order)
    session = _open_session(order.id)
    left = verify.missing(items, session.verified if session else {})
    if left:
        raise Rejected("pack_incomplete", missing=", ".join(f"{sku} x{qty}" for sku, qty in left.items()))
    carton = db.session.scalar(select(CartonType).where(CartonType.code == str(event.get("carton") or "")))
    if carton is None:
        raise Rejected("pack_unknown_carton", carton=str(event.get("carton") or "-"))
    expected = verify.expected_weight_g(items, _carton(carton))
    try:
        verify.check_weight(expected, event.get("weight_g"))
    except verify.PackProblem as problem:
        raise Rejected(problem.code, **problem.values) from None
    code = str(event.get("station") or "")[:64]
    paper = event.get("paper") or stations.station_paper(code)
    try:
        parcel = waybills.seal_parcel(order.id, seal_uuid=event["uuid"], station_code=code, carton_code=carton.code,
                                      weight_g=event["weight_g"], expected_weight_g=expected, paper=paper, actor=user,
                                      commit=False)
    except DomainError as error:
        raise Rejected("pack_cannot_seal", reason=error.message) from None
    if session is not None:
        session.status, session.sealed_at = SESSION_SEALED, utcnow()
        _flush_or_busy()
    code = "pack_sealed_early" if parcel.tracking_number else "pack_sealed"   # the 店小秘 flow: labelled at seal
    return {"code": code, "parcel_id": parcel.id, "order_id": order.id,
            "message": _message(code, order=order.external_id)}


def _flush_or_busy():
    """Two stations on one order: the session's version column lets one win; the other is told."""
    try:
        db.session.flush()
    except StaleDataError:
        raise Rejected("pack_busy") from None


def _require_packer(user):
    if user.role not in roles.PACK:
        raise Rejected("pack_forbidden")


def _packable_order(order_id, sealing=False):
    if not isinstance(order_id, int) or isinstance(order_id, bool):
        raise Rejected("bad_event", problem="order_id must be an integer")
    order = db.session.get(Order, order_id)
    if order is None:
        raise Rejected("pack_unknown_order")
    if order.status in (states.CANCELLED, states.ON_HOLD):
        raise Rejected("pack_order_stopped", order=order.external_id, status=order.status)
    if order.status != states.PICKED and not (sealing and order.status == states.PACKED):
        raise Rejected("pack_not_ready", order=order.external_id, status=order.status)
    return order


def _open_session(order_id):
    return db.session.scalar(select(PackSession).where(PackSession.order_id == order_id,
                                                       PackSession.status == SESSION_OPEN).order_by(PackSession.id.desc()))


def _items(order, kit_book=None):
    """What the packer scans, merged per SKU: a kit line counts as its components (wms.catalog.kits)."""
    kit_book = kit_book or _kit_book([order])
    merged = {}
    for line, sku, qty in kit_book.floor_lines(order):
        key = sku.code if sku else line.sku_code
        prev = merged.get(key)
        name = (line.name if sku is line.sku else "") or (sku.name if sku else key)
        merged[key] = verify.Item(
            sku=key, name=name, qty=qty + (prev.qty if prev else 0),
            barcodes=tuple(b.barcode for b in sku.barcodes) if sku else (), weight_g=sku.weight_g if sku else 0,
            volume_cm3=sku.volume_cm3 if sku else 0.0)
    return list(merged.values())


class _KitBook:
    """The kits among some orders' lines and their component SKUs (two statements, none without kits)."""

    def __init__(self, table, skus):
        self.table, self.skus = table, skus

    def floor_lines(self, order):
        """[(order line, Sku or None, qty)] with each kit line replaced by its components."""
        if not self.table:
            return [(line, line.sku, line.qty) for line in order.lines]
        by_id = {line.id: line for line in order.lines}
        parts = kits.expand([kits.Part(line.id, line.sku_id, line.qty) for line in order.lines], self.table)
        return [(by_id[p.line_id], by_id[p.line_id].sku if p.kit_sku_id is None else self.skus.get(p.sku_id), p.qty)
                for p in parts]

    def kits_of(self, order, sku_code):
        """The codes of the kits of this order that the SKU is packed in."""
        return sorted({line.sku_code for line in order.lines if line.sku_id in self.table
                       and any(self.skus.get(c) is not None and self.skus[c].code == sku_code
                               for c, _q in self.table[line.sku_id])})


def _kit_book(orders):
    table = kit_services.kit_table({line.sku_id for order in orders for line in order.lines if line.sku_id})
    return _KitBook(table, kit_services.component_skus(table))


def _carton(row):
    return verify.Carton(row.code, row.length_mm * row.width_mm * row.height_mm / 1000, row.tare_g, row.max_weight_g)


def _open_sessions(order_ids):
    """{order id: its newest open pack session} for many orders in one statement."""
    found = {}
    for session in db.session.scalars(select(PackSession).where(PackSession.order_id.in_(order_ids),
                                                                PackSession.status == SESSION_OPEN)
                                      .order_by(PackSession.id.desc())):
        found.setdefault(session.order_id, session)
    return found


def _tote_refs(order_id):
    return _tote_refs_of([order_id]).get(order_id, [])


def _tote_refs_of(order_ids):
    """{order id: sorted "<task code>-<slot>" references} for many orders in one statement."""
    rows = db.session.execute(select(PickLine.order_id, PickTask.code, PickLine.tote_slot)
                              .join(PickTask, PickTask.id == PickLine.task_id)
                              .where(PickLine.order_id.in_(order_ids), PickLine.tote_slot.is_not(None)).distinct()).all()
    refs = {}
    for order_id, code, slot in rows:
        refs.setdefault(order_id, []).append(f"{code}-{slot}")
    return {order_id: sorted(found) for order_id, found in refs.items()}


def _message(code, **values):
    from wms.picking.messages import message

    return message(code, **values)
