"""Kits (组合装): sold as one line, allocated, picked, checked and restocked as their components."""
import pytest
from sqlalchemy import func, select

from tests.builders import make_channel, make_order, make_sku, make_user
from tests.builders_floor import pick_event
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.builders_kits import make_kit
from tests.builders_packing import sandbox  # noqa: F401  (fixture)
from tests.builders_picking import stocked_warehouse
from wms.catalog import kit_services
from wms.catalog.models import Sku, SkuKitComponent
from wms.channels import stock_sync
from wms.channels.mapping_models import SkuMapping
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.models import Reservation, StockItem
from wms.inventory.services import adjust_stock, allocate_orders, receive_stock
from wms.orders import states
from wms.orders.models import Order
from wms.review import progress
from wms.stock_marks import StockMark


def reserved_by_sku(order_id):
    return dict(db.session.execute(select(Sku.code, func.sum(Reservation.qty))
                                   .join(StockItem, StockItem.id == Reservation.stock_item_id)
                                   .join(Sku, Sku.id == StockItem.sku_id)
                                   .where(Reservation.order_id == order_id).group_by(Sku.code)).all())


def available(code):
    return db.session.scalar(select(func.sum(StockItem.on_hand - StockItem.reserved)).join(Sku)
                             .where(Sku.code == code))


@pytest.fixture
def warehouse(app):
    warehouse, _skus = stocked_warehouse()   # SKU-0 ... SKU-5, 50 units each
    make_kit("KIT-CUP", [("SKU-0", 2), ("SKU-1", 1)])
    return warehouse


def test_a_kit_line_is_reserved_as_its_components_and_stays_one_line_as_sold(warehouse):
    order = make_order(external_id="K1", lines=(("KIT-CUP", 3), ("SKU-2", 1)), status="approved")
    summary = allocate_orders([order.id])
    assert summary["allocated"] == [order.id]
    assert reserved_by_sku(order.id) == {"SKU-0": 6, "SKU-1": 3, "SKU-2": 1}
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert [(line.sku_code, line.qty) for line in order.lines] == [("KIT-CUP", 3), ("SKU-2", 1)]
    kit_line = order.lines[0]
    assert {r.order_line_id for r in db.session.scalars(select(Reservation).join(StockItem)
                                                        .where(StockItem.sku_id != order.lines[1].sku_id))} \
        == {kit_line.id}
    assert available("SKU-0") == 44 and available("SKU-1") == 47
    facts = progress.order_facts([order.id])[order.id]
    assert (facts.reserved, facts.wanted) == (10, 10)   # the kit asks for its components' units: not stranded


def test_a_short_component_puts_the_kit_order_on_backorder_naming_it_and_its_arrival_releases_it(warehouse):
    order = make_order(external_id="K2", lines=(("KIT-CUP", 30),), status="approved")   # 60 x SKU-0 wanted, 50 there
    assert allocate_orders([order.id])["backorder"] == [order.id]
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == states.BACKORDER
    assert "SKU-0 need 60, available 50" in order.events[-1].reason
    assert reserved_by_sku(order.id) == {}
    assert available("SKU-1") == 50          # nothing of the kit is held while it waits
    bin_ = db.session.scalar(select(StockItem).join(Sku).where(Sku.code == "SKU-0")).bin
    released = receive_stock(bin_.warehouse_id, [(_sku_id("SKU-0"), bin_.id, 10)], reference="PO-1")
    assert released["released"] == [order.id]    # the component's arrival retried the kit's backorder
    assert reserved_by_sku(order.id) == {"SKU-0": 60, "SKU-1": 30}


def _sku_id(code):
    return db.session.scalar(select(Sku.id).where(Sku.code == code))


def test_two_kit_orders_racing_for_the_last_components_one_is_allocated_the_other_waits(warehouse):
    first = make_order(external_id="K3", lines=(("KIT-CUP", 20),), status="approved")    # 40 x SKU-0
    second = make_order(external_id="K4", lines=(("KIT-CUP", 10),), status="approved")   # 20 more: 60 > 50
    summary = allocate_orders([first.id, second.id])
    assert summary["allocated"] == [first.id] and summary["backorder"] == [second.id]
    assert available("SKU-0") == 10


def test_a_held_kit_order_keeps_its_components_and_is_allocated_again_at_once(warehouse):
    from wms.inventory.reservations import settle_kept_reservations

    order = make_order(external_id="K5", lines=(("KIT-CUP", 1),), status="approved")
    allocate_orders([order.id])
    order = db.session.get(Order, order.id)
    order.transition_to(states.ON_HOLD, reason="address check")
    order.transition_to(states.APPROVED, reason="address fixed")
    db.session.commit()
    assert settle_kept_reservations([order.id]) == [order.id]
    assert reserved_by_sku(order.id) == {"SKU-0": 2, "SKU-1": 1}


def test_availability_of_a_kit_is_its_scarcest_component_for_every_store_that_sells_it(warehouse):
    store = make_channel("kit-shop", platform="shopify")
    db.session.add(SkuMapping(channel_id=store.id, platform_sku="shop-kit-cup", sku_id=_sku_id("KIT-CUP")))
    db.session.commit()
    bin_ = db.session.scalar(select(StockItem).join(Sku).where(Sku.code == "SKU-1")).bin
    adjust_stock(bin_.id, _sku_id("SKU-1"), -43, "damaged")     # SKU-1: 7 left; SKU-0: 50 // 2 = 25
    assert stock_sync.quantities(store.id, ["shop-kit-cup"]) == {"shop-kit-cup": 7}
    assert (store.id, "shop-kit-cup") in stock_sync.listings_of_skus({_sku_id("SKU-1")})
    assert _sku_id("SKU-1") in set(db.session.scalars(select(StockMark.sku_id)))


def test_a_kit_definition_is_refused_whole_for_unknown_nested_or_circular_components(warehouse):
    kit = db.session.scalar(select(Sku).where(Sku.code == "KIT-CUP"))
    box = make_sku("KIT-BOX", barcodes=())
    before = kit_services.kit_table()
    cases = [("SKU-0*2; NOPE", "Not in the catalogue: NOPE"),
             ("KIT-CUP*1; SKU-2", "KIT-CUP is a kit itself: list its components instead"),
             ("SKU-0 x 0", "Quantity of SKU-0 must be from 1 to 9999"),
             ("SKU-0 two", "Cannot read 'SKU-0 two'"),
             ("", "List at least one component")]
    for text, words in cases:
        with pytest.raises(ValidationFailed) as refused:
            kit_services.define_kit(box.id, text)
        assert words in refused.value.message and refused.value.details["field"] == "components"
    with pytest.raises(ValidationFailed, match="cannot contain itself"):
        kit_services.define_kit(kit.id, "KIT-CUP*1")
    kit_services.define_kit(box.id, "SKU-3*2")
    with pytest.raises(ValidationFailed, match="KIT-BOX is a component of kit|is a kit itself"):
        kit_services.define_kit(kit.id, "KIT-BOX")      # a kit inside a kit: refused either way round
    assert kit_services.kit_table() == {**before, box.id: ((_sku_id("SKU-3"), 2),)}


def test_redefining_a_kit_replaces_its_components_and_marks_it_for_the_stores(warehouse):
    kit = db.session.scalar(select(Sku).where(Sku.code == "KIT-CUP"))
    db.session.execute(StockMark.__table__.delete())
    db.session.commit()
    components = kit_services.define_kit(kit.id, "SKU-2 x3\nSKU-2*1; SKU-4")
    assert [(sku.code, qty) for sku, qty in components] == [("SKU-2", 4), ("SKU-4", 1)]
    assert db.session.scalar(select(func.count(SkuKitComponent.id))) == 2
    assert set(db.session.scalars(select(StockMark.sku_id))) == {kit.id}
    kit_services.clear_kit(kit.id)
    assert kit_services.kit_table([kit.id]) == {}


def test_a_kit_sold_is_picked_checked_sealed_shipped_and_returned_as_its_components(warehouse, sandbox):
    """The whole floor: the handheld picks components, the station checks component scans, the
    label keeps the kit as sold, a return of the kit puts its components back."""
    from tests.builders_packing import event, make_cartons, make_carrier
    from wms.aftersales import returns
    from wms.handover import services as handover
    from wms.packing import services as packing
    from wms.picking import floor, services as picking, waves
    from wms.shipping.models import Parcel

    make_carrier("SF", settings=sandbox.settings())
    make_cartons()
    order = make_order(external_id="K-FLOW", lines=(("KIT-CUP", 1),), status="approved", carrier_code="SF")
    allocate_orders([order.id])
    picking.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=8), time_budget=0.05)
    picker = make_user("picker", "picker1")
    task = picking.assign_next_task(picker, "dev-1")
    db.session.expire_all()
    lines = sorted(task.lines, key=lambda line: line.sku.code)
    assert [(line.sku.code, line.qty) for line in lines] == [("SKU-0", 2), ("SKU-1", 1)]
    assert {line.order_line_id for line in lines} == {order.lines[0].id}
    for line in lines:
        assert floor.apply_event(picker, "dev-1", pick_event(line, qty=line.qty))["status"] == "accepted"
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == states.PICKED

    packer = make_user("packer", "packer1")
    queue = {row["order_id"]: row for row in packing.pack_queue()}
    assert [(i["sku"], i["qty"], i["kits"]) for i in queue[order.id]["items"]] == \
        [("SKU-0", 2, ["KIT-CUP"]), ("SKU-1", 1, ["KIT-CUP"])]
    looked_up = packing.task_payload(packing.find_order("K-FLOW"))       # the station's scan of the order
    assert [(i["sku"], i["qty"], i["kits"]) for i in looked_up["items"]] == \
        [("SKU-0", 2, ["KIT-CUP"]), ("SKU-1", 1, ["KIT-CUP"])]

    def scan(barcode, **extra):
        return floor.apply_event(packer, "PS-1", event("pack_scan", order_id=order.id, barcode=barcode, station="PS-1",
                                                       **extra))

    assert scan("KIT-CUP")["code"] == "pack_wrong_item"          # the kit is not a thing on the shelf
    assert scan("SKU-0", qty=2)["code"] == "pack_item_ok"
    assert scan("SKU-1")["code"] == "pack_complete"
    sealed = floor.apply_event(packer, "PS-1", event("seal", order_id=order.id, carton="C2", weight_g=800,
                                                     station="PS-1"))
    assert sealed["code"] == "pack_sealed"            # 2 x 200 g + 200 g + the carton's 200 g
    db.session.expire_all()
    parcel = db.session.scalar(select(Parcel).where(Parcel.order_id == order.id))
    assert parcel.expected_weight_g == 800 and parcel.tracking_number
    manifest = handover.open_manifest("SF")
    handover.scan_parcel(manifest.id, parcel.tracking_number)
    handover.close_manifest(manifest.id)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == states.SHIPPED
    assert (available("SKU-0"), available("SKU-1")) == (48, 49)

    kit_line = db.session.get(Order, order.id).lines[0]
    bin_ = db.session.scalar(select(StockItem).join(Sku).where(Sku.code == "SKU-0")).bin
    receipt = returns.receive_return(order.id, [{"order_line_id": kit_line.id, "qty": 1, "result": "restock",
                                                 "bin_id": bin_.id}], actor="returns-clerk", confirm_mixed=True)
    assert [(line.sku_id, line.qty) for line in receipt.lines] == [(_sku_id("KIT-CUP"), 1)]   # as the buyer sent it
    db.session.expire_all()
    assert (available("SKU-0"), available("SKU-1")) == (50, 50)       # its components back on the shelf
    assert available("KIT-CUP") is None                               # never stock of the kit itself
    assert db.session.get(Order, order.id).status == states.RETURNED


def test_a_sku_file_with_a_kit_components_column_makes_kits_and_refuses_bad_cells_row_by_row(app, monkeypatch):
    """Chinese ERP exports put a kit's components in one cell (组合装明细); components may be new rows
    of the same file; a bad cell refuses its row only, with the reason in the report."""
    import io

    from werkzeug.datastructures import FileStorage

    from tests.builders_catalog import sku_csv
    from wms.catalog import sku_imports
    from wms.catalog.models import SkuImportJob

    monkeypatch.setattr(sku_imports, "CHUNK", 4)
    make_sku("OLD-A", barcodes=())
    make_kit("OLD-SET", [("OLD-A", 1)])
    rows = ['CUP,Cup,6900000000301,', 'LID,Lid,6900000000302,', 'CUP-SET,Cup set,,"CUP*2; LID"',
            'BAD-1,Bad one,,"CUP; GHOST"', 'BAD-2,Bad two,,"OLD-SET*1"', 'BAD-3,Bad three,,"CUP two"',
            'OLD-A,Old part,,LID', 'LID-SET,Lid set,,LID x4']
    content = sku_csv(rows, header="商品编码,商品名称,条码,组合装明细").encode("utf-8")
    job = sku_imports.start_import(FileStorage(stream=io.BytesIO(content), filename="skus.csv"))
    db.session.expire_all()
    job = db.session.get(SkuImportJob, job.id)
    assert (job.status, job.created, job.refused) == ("done", 4, 4)
    assert [(e["code"], e["field"], e["reason"]) for e in job.errors] == [
        ("BAD-1", "kit_components", "Kit components not in the catalogue or this file: GHOST"),
        ("BAD-2", "kit_components", "OLD-SET is a kit itself: list its components instead"),
        ("BAD-3", "kit_components", "Cannot read 'CUP two': write a SKU code and its quantity, e.g. SKU-A*2"),
        ("OLD-A", "kit_components", "OLD-A is a component of kit OLD-SET: a kit cannot be part of a kit")]
    table = kit_services.kit_table()
    by_code = dict(db.session.execute(select(Sku.id, Sku.code)).all())
    assert {by_code[kit]: [(by_code[c], q) for c, q in parts] for kit, parts in table.items()} == {
        "OLD-SET": [("OLD-A", 1)], "CUP-SET": [("CUP", 2), ("LID", 1)], "LID-SET": [("LID", 4)]}
    assert db.session.scalar(select(func.count(Sku.id)).where(Sku.code.like("BAD-%"))) == 0


def test_a_kit_is_never_received_onto_a_shelf_and_the_receipt_books_nothing(warehouse):
    bin_ = db.session.scalar(select(StockItem).join(Sku).where(Sku.code == "SKU-0")).bin
    with pytest.raises(ValidationFailed) as refused:
        receive_stock(bin_.warehouse_id, [(_sku_id("SKU-0"), bin_.id, 5), (_sku_id("KIT-CUP"), bin_.id, 5)])
    assert refused.value.details["errors"] == [{"line": 2, "field": "sku",
                                                "message": "a kit: receive its components instead"}]
    assert available("SKU-0") == 50 and available("KIT-CUP") is None


def test_a_platform_sku_mapped_to_a_kit_relinks_its_lines_to_the_kit_and_they_allocate_as_components(warehouse):
    from wms.channels import mapping_services

    store = make_channel("kit-tb", platform="taobao")
    order = make_order(channel=store, external_id="TB-KIT-1", lines=(("tb-61234-kit", 2),), status="approved")
    assert order.lines[0].sku_id is None
    mapping = SkuMapping(channel_id=store.id, platform_sku="tb-61234-kit", sample_title="杯子礼盒")
    db.session.add(mapping)
    db.session.commit()
    outcome = mapping_services.map_sku(mapping.id, _sku_id("KIT-CUP"), actor="mapper")
    assert outcome["lines"] == 1
    db.session.expire_all()
    line = db.session.get(Order, order.id).lines[0]
    assert (line.sku_code, line.qty, line.sku_id) == ("KIT-CUP", 2, _sku_id("KIT-CUP"))   # the kit, as sold
    assert allocate_orders([order.id])["allocated"] == [order.id]
    assert reserved_by_sku(order.id) == {"SKU-0": 4, "SKU-1": 2}


@pytest.mark.skipif(bool(__import__("os").environ.get("TEST_DATABASE_URL")), reason="the SQLite write lock path")
def test_two_allocations_racing_for_a_kits_last_component_never_both_win_and_the_loser_holds_nothing(app):
    """Two runs at once, each for an order selling the kit whose lid is the last one: one is allocated,
    the other waits as a backorder without keeping the cup it could have had."""
    import threading

    from sqlalchemy import event

    warehouse = make_warehouse(code="RACE")
    cup, lid = make_sku("R-CUP", barcodes=()), make_sku("R-LID", barcodes=())
    cups = put_stock(make_bin(warehouse, code="R-01"), cup, 10).id
    lids = put_stock(make_bin(warehouse, code="R-02"), lid, 1).id
    make_kit("R-SET", [("R-CUP", 1), ("R-LID", 1)])
    ids = [make_order(status="approved", external_id=f"R{n}", lines=(("R-SET", 1),)).id for n in (1, 2)]
    barrier, results, waiting = threading.Barrier(2, timeout=20), {}, {"0", "1"}

    def before(conn, cursor, statement, *args):
        name = threading.current_thread().name
        if name in waiting and "allocation_settings SET" in statement:  # the write-lock statement
            waiting.discard(name)
            barrier.wait()

    def run(index):
        with app.app_context():
            try:
                results[index] = allocate_orders([ids[index]])
            finally:
                db.session.remove()

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        threads = [threading.Thread(target=run, args=(i,), name=str(i)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    outcomes = sorted(kind for r in results.values() for kind in ("allocated", "backorder", "failed") if r[kind])
    assert outcomes == ["allocated", "backorder"], results
    db.session.expire_all()
    assert (db.session.get(StockItem, cups).reserved, db.session.get(StockItem, lids).reserved) == (1, 1)


def test_a_kit_on_orders_holding_its_components_cannot_change_until_they_ship(warehouse):
    """The floor follows the components an order was allocated: the page, the service and the SKU file
    all refuse to change such a kit, saying how many orders hold it; an order not yet allocated does not."""
    kit = db.session.scalar(select(Sku).where(Sku.code == "KIT-CUP"))
    waiting = make_order(external_id="K-WAIT", lines=(("KIT-CUP", 1),), status="approved")
    kit_services.define_kit(kit.id, "SKU-0*3")              # approved, not allocated: it will take the new kit
    allocate_orders([waiting.id])
    assert reserved_by_sku(waiting.id) == {"SKU-0": 3}
    for change in (lambda: kit_services.define_kit(kit.id, "SKU-2"), lambda: kit_services.clear_kit(kit.id)):
        with pytest.raises(ValidationFailed) as refused:
            change()
        assert refused.value.message == ("Kit KIT-CUP is on 1 order(s) already allocated or on the floor: "
                                         "change it once they have shipped")
    assert kit_services.kit_table([kit.id]) == {kit.id: ((_sku_id("SKU-0"), 3),)}
