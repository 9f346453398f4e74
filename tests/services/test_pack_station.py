"""Pack verification and sealing through the exactly-once floor event path."""
import pytest

from tests.builders import make_user
from tests.builders_packing import sandbox  # noqa: F401  (fixture)
from tests.builders_packing import event, make_cartons, make_carrier, picked_order
from wms.extensions import db
from wms.orders.models import Order
from wms.packing import services
from wms.packing.models import PackSession
from wms.picking import floor
from wms.shipping.models import Parcel


@pytest.fixture
def packer(app, sandbox):
    make_carrier("SF", settings=sandbox.settings())
    make_cartons()
    return make_user("packer", "packer1")


def scan(packer, order, barcode, **extra):
    return floor.apply_event(packer, "PS-1", event("pack_scan", order_id=order.id, barcode=barcode, station="PS-1", **extra))


def verify_all(packer, order):
    scan(packer, order, "6901000000011", qty=2)
    return scan(packer, order, "SKU-B")


def test_each_item_is_counted_and_the_last_one_completes_verification(packer):
    order = picked_order()
    first = scan(packer, order, "6901000000011")
    assert first["status"] == "accepted" and first["code"] == "pack_item_ok" and first["missing"] == {"SKU-A": 1, "SKU-B": 1}
    scan(packer, order, "6901000000011")
    last = scan(packer, order, "6901000000028")
    assert last["code"] == "pack_complete" and last["missing"] == {}


def test_a_wrong_item_is_refused_loudly_and_counts_nothing(packer):
    order = picked_order()
    answer = scan(packer, order, "9999999999999")
    assert answer["status"] == "rejected" and answer["code"] == "pack_wrong_item"
    assert "9999999999999" in answer["message"]
    assert db.session.query(PackSession).count() == 0


def test_one_too_many_is_refused(packer):
    order = picked_order()
    scan(packer, order, "SKU-B")
    answer = scan(packer, order, "SKU-B")
    assert answer["code"] == "pack_too_many" and answer["values"] == {"sku": "SKU-B", "qty": 1}


def test_a_replayed_scan_is_counted_once(packer):
    order = picked_order()
    scan_event = event("pack_scan", order_id=order.id, barcode="SKU-B", station="PS-1")
    floor.apply_event(packer, "PS-1", scan_event)
    replay = floor.apply_event(packer, "PS-1", scan_event)
    assert replay["duplicate"] is True
    assert db.session.query(PackSession).one().verified == {"SKU-B": 1}


def test_seal_before_every_item_is_verified_is_refused(packer):
    order = picked_order()
    scan(packer, order, "SKU-B")
    answer = floor.apply_event(packer, "PS-1", event("seal", order_id=order.id, carton="C2", weight_g=950, station="PS-1"))
    assert answer["code"] == "pack_incomplete" and "SKU-A x2" in answer["message"]
    assert db.session.query(Parcel).count() == 0


def test_a_weight_outside_the_tolerance_is_refused(packer):
    order = picked_order()
    verify_all(packer, order)
    # 2 x 300 + 150 + carton C2 200 = 950 g; tolerance max(50, 95) = 95 g
    answer = floor.apply_event(packer, "PS-1", event("seal", order_id=order.id, carton="C2", weight_g=1100, station="PS-1"))
    assert answer["code"] == "pack_weight_off" and answer["values"]["expected"] == 950
    assert db.session.get(Order, order.id).status == "picked"


def test_sealing_creates_one_parcel_once_even_when_replayed(packer, sandbox):
    order = picked_order()
    verify_all(packer, order)
    seal_event = event("seal", order_id=order.id, carton="C2", weight_g=990, station="PS-1")
    answer = floor.apply_event(packer, "PS-1", seal_event)
    assert answer["status"] == "accepted" and answer["code"] == "pack_sealed"
    replay = floor.apply_event(packer, "PS-1", seal_event)
    assert replay["duplicate"] is True and replay["parcel_id"] == answer["parcel_id"]
    parcel = db.session.query(Parcel).one()
    assert (parcel.seal_uuid, parcel.weight_g, parcel.expected_weight_g) == (seal_event["uuid"], 990, 950)
    assert db.session.get(Order, order.id).status == "labelled" and len(sandbox.waybills) == 1


def test_a_second_station_sealing_the_same_order_gets_a_clear_answer(packer):
    order = picked_order()
    verify_all(packer, order)
    floor.apply_event(packer, "PS-1", event("seal", order_id=order.id, carton="C2", weight_g=950, station="PS-1"))
    other = floor.apply_event(packer, "PS-2", event("seal", order_id=order.id, carton="C2", weight_g=950, station="PS-2"))
    assert other["status"] == "rejected" and other["code"] in ("pack_cannot_seal", "pack_incomplete", "pack_not_ready")
    assert db.session.query(Parcel).count() == 1


def test_a_cancelled_order_tells_the_packer_to_stop(packer):
    order = picked_order()
    db.session.get(Order, order.id).transition_to("cancelled", reason="buyer refund")
    db.session.commit()
    answer = scan(packer, order, "SKU-B")
    assert answer["code"] == "pack_order_stopped"


def test_pickers_may_not_pack(packer):
    order = picked_order()
    picker = make_user("picker", "picker9")
    assert scan(picker, order, "SKU-B")["code"] == "pack_forbidden"


def test_the_queue_lists_picked_orders_with_barcodes_and_a_carton_suggestion(packer):
    picked_order()
    [task] = services.pack_queue()
    assert task["ref"] == "P1001" and task["suggested_carton"] == "C2"  # 3,060 cm3 of items > 80% of C1
    assert {i["sku"]: i["barcodes"] for i in task["items"]} == {"SKU-A": ["6901000000011"], "SKU-B": ["6901000000028"]}
    assert task["expected_weight_g"] == 950


def test_a_scanned_order_number_finds_the_order(packer):
    order = picked_order()
    assert services.find_order("P1001").id == order.id
