"""The demo `make run` seeds shows the 店小秘 flow: its Tmall store requests waybills after allocation, so
the waybill desk has orders waiting, and a bulk request of them gets their waybills from the sandbox."""
import pytest

from wms import demo
from wms.extensions import db
from wms.orders.models import Channel
from wms.shipping import early_waybills
from wms.shipping.carriers.sandbox import Sandbox
from wms.waybill_desk import services as desk


@pytest.fixture
def sandbox(app):
    box = Sandbox().start()
    app.config["CARRIER_SANDBOX_URL"] = box.url
    yield box
    box.stop()


def test_the_demos_tmall_store_has_orders_waiting_for_their_waybills_and_gets_them(app, sandbox):
    demo.seed(n_skus=60, n_orders=60)
    waiting, count = desk.waiting_for_waybill()
    tmall = db.session.query(Channel).filter_by(code="tmall").one()
    assert count >= 5 and {order.channel_id for order in waiting} == {tmall.id}
    batch = desk.request_waybills()
    assert batch.total == count
    counts = desk.tab_counts()
    assert counts["in_stock"] + counts["out_of_stock"] == batch.total - len(early_waybills.failure_queue())
    assert counts["in_stock"] >= 1
