"""The 店小秘 flow after the request: a wave's labels printed in its pick route's order, 虚拟发货 on a
selection and by the channel's setting (Shopify sandbox over HTTP), the station's scan over its API."""
import io

import pytest
import requests
from pypdf import PdfReader
from sqlalchemy import select

from tests.builders_channels import make_shopify_channel
from tests.builders_picking import allocated_orders, stocked_warehouse
from tests.builders_packing import make_carrier
from wms.channels.sandbox.shopify import start_in_thread
from wms.channels.sandbox.shopify_seed import FIRST_ID
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders.models import Order
from wms.picking import services as picking
from wms.picking import waves
from wms.picking.models import PickLine, PickTask
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.models import EarlyWaybill
from wms.tracking.models import WritebackTask
from wms.waybill_desk import batch_print
from wms.waybill_desk import services as desk


@pytest.fixture
def carrier_box():
    box = Sandbox().start()
    yield box
    box.stop()


@pytest.fixture
def shop():
    running = start_in_thread()
    yield running
    running.stop()


def pushed(shop):
    return requests.get(f"{shop.base_url}/_sandbox/fulfillments").json()["fulfillments"]


def early_rows():
    db.session.expire_all()
    return {row.order_id: row for row in db.session.scalars(select(EarlyWaybill))}


def test_a_waves_labels_print_in_the_order_its_route_meets_the_orders(app, carrier_box):
    warehouse, _skus = stocked_warehouse(waybill_timing="after_allocation")
    make_carrier("SF", settings=carrier_box.settings())
    orders = allocated_orders([(f"R{n}", [(f"SKU-{n}", 1)]) for n in range(6)])
    desk.request_waybills([order.id for order in orders])
    picking.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=8), time_budget=0.1)
    lines = db.session.execute(select(PickLine.order_id, PickLine.task_id, PickLine.seq)
                               .join(PickTask, PickTask.id == PickLine.task_id)).all()
    route = [order_id for order_id, _t, _s in sorted(lines, key=lambda line: (line[1], line[2]))]
    route = list(dict.fromkeys(route))
    wave_id = db.session.scalar(select(PickTask.wave_id))
    pdf, count = batch_print.print_pdf(wave_id=wave_id)
    rows = early_rows()
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert count == len(pages) == 6
    assert [next(o for o in route if rows[o].tracking_number in text) for text in pages] == route
    assert all(row.printed_at is not None for row in rows.values())


def test_virtual_shipping_on_a_selection_writes_the_numbers_back_now_once(app, carrier_box, shop):
    stocked_warehouse(waybill_timing="after_allocation")
    make_carrier("SF", settings=carrier_box.settings())
    channel = make_shopify_channel(shop.base_url)
    [order] = allocated_orders([(str(FIRST_ID), [("SKU-0", 1)])], channel=channel)
    desk.request_waybills([order.id])
    assert pushed(shop) == []   # the store is not set to 虚拟发货: nothing told at request time
    number = early_rows()[order.id].tracking_number
    assert desk.virtual_ship([order.id]) == (1, 0)
    assert [f["tracking_number"] for f in pushed(shop)] == [number]
    assert desk.virtual_ship([order.id]) == (1, 0)   # asked again: the write-back is once per order
    assert len(pushed(shop)) == 1
    assert db.session.scalar(select(WritebackTask.trigger)) == "label"


def test_a_store_set_to_virtual_shipping_is_told_when_the_early_waybill_is_issued(app, carrier_box, shop):
    stocked_warehouse(waybill_timing="after_allocation")
    make_carrier("SF", settings=carrier_box.settings())
    channel = make_shopify_channel(shop.base_url)
    channel.virtual_shipping = True
    db.session.commit()
    [order] = allocated_orders([(str(FIRST_ID), [("SKU-0", 1)])], channel=channel)
    desk.request_waybills([order.id])
    assert [f["tracking_number"] for f in pushed(shop)] == [early_rows()[order.id].tracking_number]


def test_virtual_shipping_an_order_without_a_waybill_is_refused_and_queues_nothing(app, carrier_box, shop):
    stocked_warehouse(waybill_timing="after_allocation")
    make_carrier("SF", settings=carrier_box.settings())
    [order] = allocated_orders([(str(FIRST_ID), [("SKU-0", 1)])], channel=make_shopify_channel(shop.base_url))
    with pytest.raises(ValidationFailed, match=str(FIRST_ID)):
        desk.virtual_ship([order.id])
    assert pushed(shop) == [] and db.session.scalar(select(WritebackTask)) is None


def test_the_station_api_opens_a_picked_order_by_its_label_and_refuses_one_not_picked(app, client, login,
                                                                                    carrier_box):
    stocked_warehouse(waybill_timing="after_allocation")
    make_carrier("SF", settings=carrier_box.settings())
    early, waiting = allocated_orders([("S1", [("SKU-0", 1)]), ("S2", [("SKU-1", 1)])])
    desk.request_waybills([early.id, waiting.id])
    rows = early_rows()
    order = db.session.get(Order, early.id)
    for state in ("waved", "picking", "picked"):
        order.transition_to(state, reason="test")
    db.session.commit()
    login("packer")
    opened = client.get(f"/api/station/lookup?code={rows[early.id].tracking_number}")
    assert opened.status_code == 200 and opened.get_json()["ref"] == "S1"
    refused = client.get(f"/api/station/lookup?code={rows[waiting.id].tracking_number}")
    assert refused.status_code == 409 and "not ready to pack" in refused.get_json()["message"]


def test_the_station_seals_an_early_labelled_order_and_says_no_new_label_prints(app, carrier_box, make_user):
    from tests.builders_packing import event, make_cartons
    from tests.builders_waybill_desk import allocated_orders as early_orders
    from tests.builders_waybill_desk import early_warehouse, stocked
    from wms.packing import services as packing
    from wms.picking import floor
    from wms.shipping.models import PrintJob

    stocked(early_warehouse(), (("SKU-A", 5),))
    make_carrier("SF", settings=carrier_box.settings())
    make_cartons()
    [order] = early_orders(["E1"])
    desk.request_waybills([order.id])
    order = db.session.get(Order, order.id)
    for state in ("waved", "picking", "picked"):
        order.transition_to(state, reason="test")
    db.session.commit()
    packer = make_user(role="packer")
    task = packing.task_payload(packing.find_order(early_rows()[order.id].tracking_number))
    floor.apply_event(packer, "PS-1", event("pack_scan", order_id=order.id, barcode="6901000000000", station="PS-1"))
    answer = floor.apply_event(packer, "PS-1", event("seal", order_id=order.id, carton=task["suggested_carton"],
                                                     weight_g=task["expected_weight_g"], station="PS-1"))
    assert answer["status"] == "accepted" and answer["code"] == "pack_sealed_early"
    assert "no new label" in answer["message"]
    assert db.session.scalars(select(PrintJob)).all() == []
    assert db.session.get(Order, order.id).status == "labelled"
