"""A warehouse with something in every state, for the tests that read every screen's words (issue 17
item 3): the demo seed (real imports, review holds with their reasons, allocation, a wave, a picker's
task), then orders walked on through picking, packing, labels, the dock, tracking, delivery, returns,
an intercept and a cancellation, a failed waybill, a failed job, an import of each kind.

`data_texts()` lists what the warehouse itself typed or received (names, addresses, codes): text a
page may show in any language because it is data, not wording.
"""
from sqlalchemy import select

from tests.builders_admin import make_device, make_job
from tests.builders_catalog import make_sku_import
from tests.builders_handover import make_parcel
from wms import demo
from wms.extensions import db
from wms.orders import states
from wms.shipping.models import PARCEL_WAYBILL_FAILED

# The happy path after allocation, as far as test set-up walks it (the floor's own steps are tested
# elsewhere; here only the words on the screens matter).
FLOOR_PATH = (states.WAVED, states.PICKING, states.PICKED, states.PACKED, states.LABELLED)
SET_UP = "演示数据"  # the reason the set-up's own moves give, as a person would type it


def every_state_warehouse():
    """Seed the warehouse; returns {state: order id} with at least one order in every state."""
    from wms.auth.models import User

    demo.seed(n_skus=40, n_orders=60)
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    waved = _ids(states.WAVED)
    for order_id, state in zip(waved, (states.PICKING, states.PICKED, states.PACKED)):
        _walk(order_id, state)
    labelled = waved[3:9]
    for i, order_id in enumerate(labelled):
        _walk(order_id, states.LABELLED)
        make_parcel(_order(order_id), carrier=_order(order_id).carrier_code or "SF", tracking=f"WT{7000 + i:08d}")
    shipped = _ship(labelled[:4])
    _track(shipped)
    _return(shipped[2], admin)
    _failed_waybill(waved[9])
    _cancel_one_on_hold(admin)
    _intercept(labelled[4], admin)
    _the_states_the_demo_skips(delivered=shipped[3])
    make_job()
    make_device()
    make_sku_import(status="done")
    return _one_of_each_state()


def _ids(status):
    from wms.orders.models import Order

    return list(db.session.scalars(select(Order.id).where(Order.status == status).order_by(Order.id)))


def _order(order_id):
    from wms.orders.models import Order

    return db.session.get(Order, order_id)


def _walk(order_id, to):
    order = _order(order_id)
    for state in FLOOR_PATH[FLOOR_PATH.index(order.status) + 1:]:
        order.transition_to(state, reason=SET_UP)
        if state == to:
            break
    db.session.commit()


def _ship(order_ids):
    """Labelled orders through a real manifest close at the dock: shipped, tracked."""
    from wms.handover import services
    from wms.shipping.models import Parcel

    by_carrier = {}
    for order_id in order_ids:
        parcel = db.session.scalar(select(Parcel).where(Parcel.order_id == order_id))
        by_carrier.setdefault(parcel.carrier_code, []).append(parcel.tracking_number)
    for carrier, numbers in by_carrier.items():
        manifest = services.open_manifest(carrier)
        for number in numbers:
            services.scan_parcel(manifest.id, number)
        services.close_manifest(manifest.id)
    services.open_manifest("SF")  # one still loading
    db.session.expire_all()
    return list(order_ids)


def _track(order_ids):
    """Carrier news: one parcel on its way, one delivered (and its order completed), one exception."""
    from wms.shipping.models import Parcel
    from wms.tracking import services

    parcels = [db.session.scalar(select(Parcel).where(Parcel.order_id == order_id)) for order_id in order_ids]
    news = (("in_transit", "快件已到达【杭州转运中心】"), ("delivered", "已签收，签收人：本人"),
            ("exception", "收件人拒收"))
    for parcel, (status, description) in zip(parcels, news):
        services.record_events(parcel.carrier_code, [{"tracking_number": parcel.tracking_number, "status": status,
                                                      "time": "2026-11-20T08:00:00+08:00",
                                                      "description": description, "location": "杭州"}])
    delivered = _order(order_ids[1])
    if delivered.status == states.DELIVERED:
        delivered.transition_to(states.COMPLETED, reason=SET_UP)
    db.session.commit()


def _return(order_id, actor):
    from wms.aftersales.returns import receive_return

    order = _order(order_id)
    line = order.lines[0]
    receive_return(order.id, [{"order_line_id": line.id, "qty": 1, "result": "write_off", "reason": "外箱破损"}],
                   actor=actor, reference="RT-1")


def _failed_waybill(order_id):
    _walk(order_id, states.PACKED)
    parcel = make_parcel(_order(order_id), carrier="SF", tracking=None, status=PARCEL_WAYBILL_FAILED)
    parcel.waybill_error = "carrier_error: 地址无法识别"
    db.session.commit()


def _cancel_one_on_hold(actor):
    from wms.review.services import cancel_order

    order = _order(_ids(states.ON_HOLD)[0])
    cancel_order(order.id, reason="买家申请取消", actor=actor, expected_version=order.version)


def _intercept(order_id, actor):
    from wms.aftersales.services import intercept_order

    intercept_order(order_id, "买家退款", source="channel", actor=actor)


def _the_states_the_demo_skips(delivered):
    """Orders just imported, approved and back-ordered (the demo reviews, allocates and waves all it
    can), and a parcel the carrier delivered that is not completed yet."""
    from tests.builders import make_order

    make_order(external_id="WORD-IMPORTED", lines=(("SKU-0001", 1),))
    for external_id, path in (("WORD-APPROVED", (states.APPROVED,)),
                              ("WORD-BACKORDER", (states.APPROVED, states.BACKORDER))):
        order = make_order(external_id=external_id, lines=(("SKU-0002", 2), ("SKU-0003", 1)))
        for state in path:
            order.transition_to(state, reason=SET_UP)
    _order(delivered).transition_to(states.DELIVERED, reason=SET_UP)
    _waiting_for_finance()
    db.session.commit()


def _waiting_for_finance():
    """An order of a store with finance review on that the customer review passed: cash on delivery,
    an invoice, a line discounted past the share, waiting on the finance desk (财审)."""
    from tests.builders import make_channel, make_order
    from wms.finance import gate

    store = make_channel("WORD-FIN", name="财审店铺", finance_review=True)
    order = make_order(channel=store, external_id="WORD-FINANCE", lines=(("SKU-0004", 1),), cash_on_delivery=True,
                       invoice_requested=True)
    order.lines[0].list_price_cents = 10_000
    gate.pass_customer_review(order, reason=SET_UP, actor="auto-review")


def _one_of_each_state():
    from wms.orders.models import Order

    first = {}
    for order_id, status in db.session.execute(select(Order.id, Order.status).order_by(Order.id)):
        first.setdefault(status, order_id)
    return first


# (table, columns): text people typed or partners sent, shown as it is in either language. By table,
# not model: the models move between packages (issue 16), the tables stay.
DATA_COLUMNS = (
    ("skus", ("code", "name")),
    ("sku_barcodes", ("barcode",)),
    ("orders", ("external_id", "buyer_name", "buyer_phone", "country", "province", "city", "district", "address",
                "buyer_remark", "carrier_code")),
    ("order_lines", ("sku_code", "name")),
    ("channels", ("code", "name")),
    ("carriers", ("code", "name")),
    ("pack_stations", ("code", "name")),
    ("parcels", ("tracking_number", "carton_code", "waybill_error")),
    ("carton_types", ("code", "name")),
    ("warehouses", ("code", "name", "region")),
    ("zones", ("code", "name")),
    ("devices", ("code", "name")),
    ("manifests", ("code",)),
    ("import_jobs", ("filename", "lines_filename")),
    ("sku_import_jobs", ("filename",)),
    ("stock_movements", ("reference",)),  # a receipt's number, or the document that moved the stock
    ("bins", ("code", "barcode")),
    ("users", ("username", "display_name")),
    ("waves", ("code",)),
    ("tracking_events", ("description", "location")),
    ("cart_types", ("name",)),
    ("order_tag_rules", ("name",)),
    ("gift_rules", ("name",)),
    ("put_walls", ("code", "name")),
    ("put_wall_slots", ("code",)),
)
# What people typed in this set-up (the cancellation's and the intercept's reasons, a write-off's).
TYPED = {"买家申请取消", "买家退款", "外箱破损", "RT-1", SET_UP}


# (table, column): settings an admin typed (a carrier's service type, the regions it does not serve).
DATA_SETTINGS = (("carriers", "settings"), ("channels", "settings"),
                 # what people typed into tag rules (names, regions, words, tags) and the tags they put on orders
                 ("orders", "tags"), ("order_tag_rules", "conditions"), ("order_tag_rules", "tags"))


def data_texts():
    """Every value of DATA_COLUMNS in the database, every text in DATA_SETTINGS, and what people typed
    (TYPED)."""
    texts = set(TYPED)
    for name, columns in DATA_COLUMNS:
        table = db.metadata.tables[name]
        for column in columns:
            texts.update(str(value) for value in db.session.scalars(select(table.c[column])) if value)
    for name, column in DATA_SETTINGS:
        for settings in db.session.scalars(select(db.metadata.tables[name].c[column])):
            texts.update(_strings(settings))
    return texts


def _strings(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [text for item in value for text in _strings(item)] if isinstance(value, list) else []
