"""A kit's availability where presales and gift pools read stock: the kits its components' stock makes
(the scarcest component's), not the kit SKU's own (a kit is never on a shelf)."""
from datetime import timedelta

from sqlalchemy import select

from tests.builders import make_channel, make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from tests.builders_kits import make_kit
from wms.catalog import kit_services
from wms.extensions import db
from wms.inventory import services
from wms.orders.models import Order, OrderLine
from wms.timeutil import utcnow


def test_with_kits_counts_a_kit_by_its_scarcest_component_and_plain_skus_as_they_are(app):
    a, b, plain = make_sku("SKU-0", barcodes=("690000000001",)), make_sku("SKU-1", barcodes=("690000000002",)), \
        make_sku("SKU-9", barcodes=("690000000009",))
    kit = make_kit(components=(("SKU-0", 2), ("SKU-1", 1)))
    stock = {a.id: 7, b.id: 5, plain.id: 4}
    asked = []

    def available_of(ids):
        asked.append(set(ids))
        return {i: stock[i] for i in ids if i in stock}

    assert kit_services.with_kits({kit.id, plain.id}, available_of) == {kit.id: 3, plain.id: 4}
    assert asked == [{a.id, b.id, plain.id}]  # one read, the kit's components in it
    assert kit_services.with_kits(set(), available_of) == {}


def test_a_kit_presale_in_stock_mode_is_released_when_its_last_component_arrives(app):
    a, b = make_sku("SKU-0", barcodes=("690000000001",)), make_sku("SKU-1", barcodes=("690000000002",))
    kit = make_kit(components=(("SKU-0", 2), ("SKU-1", 1)))
    warehouse = make_warehouse()
    bin_ = make_bin(warehouse)
    put_stock(bin_, a, 4)                                     # two kits' worth of SKU-0, no SKU-1 yet
    order = make_order(channel=make_channel(presale_release="stock"), external_id="KIT-PS", status="approved",
                       lines=(("KIT-1", 2),), presale_ship_from=utcnow() + timedelta(days=10))
    services.allocate_orders([order.id])
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "approved"
    receipt = services.receive_stock(warehouse.id, [(b.id, bin_.id, 2)], reference="PO-KIT")
    db.session.expire_all()
    assert receipt["released"] == [order.id] and db.session.get(Order, order.id).status == "allocated"


def test_a_kit_in_a_gift_pool_is_given_while_its_components_last(app):
    from tests.builders_gifts import make_gift_rule
    from wms.review.services import review_orders

    make_sku("SKU-0", barcodes=("690000000001",))
    b = make_sku("SKU-1", barcodes=("690000000002",))
    bought = make_sku("SKU-5", barcodes=("690000000005",))
    kit = make_kit(components=(("SKU-1", 1),))
    put_stock(make_bin(make_warehouse()), b, 1)
    put_stock(make_bin(make_warehouse(code="WH2")), bought, 10)
    make_gift_rule(gifts=("KIT-1",), gift_kind="pool")
    orders = [make_order(external_id=f"G-{n}", lines=(("SKU-5", 1),)) for n in range(2)]
    review_orders([o.id for o in orders])
    gifts = db.session.execute(select(OrderLine.order_id, OrderLine.sku_id).where(OrderLine.is_gift)).all()
    assert gifts == [(orders[0].id, kit.id)]  # one kit's worth of components: one order gets it
