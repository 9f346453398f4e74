"""Seed for the failures browser test (issue 21 item 5), codes of its own (FAIL-*): a supervisor; a Shopify store
whose write-back of an order it does not know was refused once, for good, by a Shopify sandbox over real HTTP
(started here for the push, stopped after); a packed order whose parcel's waybill the carrier refused (its carriers
FAILK1 / FAILK2 point nowhere yet: the test points them at its own Kuaidi100 sandbox). Prints JSON."""
import json

from tests.builders import make_channel, make_order, make_user
from tests.e2e.seeding import seeded_app
from wms.channels.sandbox.shopify import start_in_thread
from wms.channels.sandbox.shopify_store import DEFAULT_TOKEN
from wms.extensions import db
from wms.shipping.models import Carrier, Parcel
from wms.tracking import writeback
from wms.tracking.models import WritebackTask


def seed():
    supervisor = make_user("supervisor", "failboss")
    for code, name in (("FAILK1", "顺丰速运"), ("FAILK2", "圆通速递")):
        db.session.add(Carrier(code=code, name=name, cutoffs=["17:00"], settings={"adapter": "kuaidi100"}))
    db.session.commit()
    sandbox = start_in_thread()
    try:
        store = make_channel(code="FAIL-SHOP", platform="shopify",
                             settings={"base_url": sandbox.base_url, "access_token": DEFAULT_TOKEN})
        refused_order = make_order(store, external_id="FAIL-WB-404", lines=(("FAIL-SKU-1", 1),), status="shipped")
        task = WritebackTask(order_id=refused_order.id, channel_id=store.id, carrier_code="FAILK1",
                             tracking_number="SF3300000001")
        db.session.add(task)
        db.session.commit()
        writeback.push_writeback(task.id)   # Shopify answers 404: refused for good
    finally:
        sandbox.stop()
    web = make_channel(code="FAIL-WEB")
    packed = make_order(web, external_id="FAIL-WAYBILL-1", lines=(("FAIL-SKU-1", 1),), status="packed",
                        carrier_code="FAILK1")
    parcel = Parcel(order_id=packed.id, carrier_code="FAILK1", status="waybill_failed", seal_uuid="fail-seal-1",
                    carton_code="C2", weight_g=900, waybill_attempts=1, waybill_failure_kind="permanent",
                    waybill_error="address_rejected: 收件地址超出服务范围 (address rejected)")
    db.session.add(parcel)
    db.session.commit()
    return {"supervisor": supervisor.username, "task": task.id, "order": refused_order.id, "parcel": parcel.id,
            "packed_order": packed.id}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
