"""The wave preview page says what is exact (the orders) and what is about (carts, walk)."""
import re

from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.extensions import db
from wms.picking.models import Wave


def test_the_preview_page_names_the_orders_and_says_about_for_carts_and_walk(client, login):
    warehouse, _ = stocked_warehouse()
    allocated_orders([("P1", [("SKU-0", 2), ("SKU-3", 1)]), ("P2", [("SKU-1", 1)]), ("P3", [("SKU-2", 1)])])
    user = login("supervisor")
    html = client.post("/waves/preview", data={"warehouse": warehouse.id}).get_data(as_text=True)
    summary = re.search(r'id="preview-summary">([^<]+)<', html).group(1)
    assert re.match(r"3 orders in about \d+ carts; walking about \d+ m; 0 orders wait", summary), summary
    assert "Releasing takes exactly these orders" in html and "None" not in summary
    assert db.session.query(Wave).count() == 0
    user.locale = "zh_CN"
    db.session.commit()
    html = client.post("/waves/preview", data={"warehouse": warehouse.id}).get_data(as_text=True)
    assert re.search(r'id="preview-summary">3 个订单分到约 \d+ 辆拣货车；行走约 \d+ 米', html)
    assert "释放波次时订单与此完全相同" in html
