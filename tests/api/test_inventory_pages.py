"""Inventory pages: admins change the layout, supervisors and admins receive, adjust and count; every string has
Chinese."""
import io
import json
import pathlib
import re

from sqlalchemy import select

from tests.builders import make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse
from wms.inventory.models import Bin, StockItem
from wms.orders.models import Order

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_an_admin_receives_by_scanning_and_a_backorder_is_released(client, login, db):
    login("admin")
    sku = make_sku(barcodes=("6901234567892",))
    warehouse = make_warehouse()
    make_bin(warehouse)
    order = make_order(status="backorder")
    response = client.post("/inventory/receive", data={"warehouse": warehouse.id, "sku": "6901234567892",
                                                       "bin": "HZ1-A-01-01-1", "qty": "3", "reference": "PO-1"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Received 3 pcs; 1 backordered orders released" in response.get_data(as_text=True)
    item = db.session.scalar(select(StockItem))
    assert (item.sku_id, item.on_hand, item.reserved) == (sku.id, 3, 1)
    assert db.session.get(Order, order.id).status == "allocated"


def test_a_bad_scan_is_a_clear_message_and_books_nothing(client, login, db):
    login("admin")
    make_sku()
    warehouse = make_warehouse()
    make_bin(warehouse)
    response = client.post("/inventory/receive", data={"warehouse": warehouse.id, "sku": "nope",
                                                       "bin": "A-01-01-1", "qty": "3"}, follow_redirects=True)
    assert "Unknown SKU or barcode" in response.get_data(as_text=True)
    assert db.session.scalars(select(StockItem)).all() == []


def test_a_count_below_reserved_is_refused_on_the_page(client, login, db):
    login("admin")
    make_sku()
    warehouse = make_warehouse()
    make_bin(warehouse)
    client.post("/inventory/receive", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1", "qty": "2"})
    make_order(status="approved", lines=(("SKU-1", 2),))
    from wms.inventory.services import allocate_orders
    allocate_orders([1])
    response = client.post("/inventory/adjust", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1",
                                                      "mode": "count", "qty": "1"}, follow_redirects=True)
    assert "Counted less than is reserved" in response.get_data(as_text=True)
    assert db.session.scalar(select(StockItem)).on_hand == 2


def test_an_admin_imports_a_layout_file(client, login, db):
    login("admin")
    warehouse = make_warehouse(n_aisles=3)
    csv = b"code,barcode,aisle,position_m\nA-01-01-1,L1,1,1.5\nB-01-01-1,L2,2,2.5\n"
    response = client.post(f"/inventory/warehouses/{warehouse.id}/layout",
                           data={"file": (io.BytesIO(csv), "layout.csv")}, follow_redirects=True)
    assert "2 new bins" in response.get_data(as_text=True)
    assert sorted(db.session.scalars(select(Bin.code))) == ["A-01-01-1", "B-01-01-1"]


def test_a_supervisor_receives_adjusts_and_counts_but_cannot_change_the_layout(client, login, db):
    login("supervisor")
    make_sku()
    warehouse = make_warehouse()
    make_bin(warehouse)
    assert client.get("/inventory/stock?q=SKU").status_code == 200
    assert client.get("/inventory/warehouses").status_code == 200
    assert client.get(f"/inventory/warehouses/{warehouse.id}/bins").status_code == 200
    assert client.get("/inventory/receive").status_code == 200
    assert client.get("/inventory/adjust").status_code == 200
    client.post("/inventory/receive", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1", "qty": "5"})
    client.post("/inventory/adjust", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1",
                                           "qty": "-1", "reason": "damaged"})
    assert db.session.scalar(select(StockItem)).on_hand == 4
    client.post("/inventory/adjust", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1",
                                           "mode": "count", "qty": "7"})
    assert db.session.scalar(select(StockItem)).on_hand == 7
    assert client.post("/inventory/warehouses", data={"code": "X", "name": "X"}).status_code == 403
    assert client.post(f"/inventory/warehouses/{warehouse.id}/demo-layout", data={"levels": "1"}).status_code == 403


def test_a_picker_sees_no_inventory_admin(client, login):
    login("picker")
    assert client.get("/inventory/stock").status_code == 403


def test_every_page_renders_for_an_admin(client, login, db):
    login("admin")
    warehouse = make_warehouse()
    for url in ("/inventory/warehouses", f"/inventory/warehouses/{warehouse.id}", "/inventory/stock",
                "/inventory/receive", "/inventory/adjust", f"/inventory/warehouses/{warehouse.id}/bins"):
        assert client.get(url).status_code == 200, url


def test_every_inventory_string_has_a_chinese_translation():
    catalogue = {}   # the app merges every feature's catalogue: a word shared across features lives in one of them
    for path in (ROOT / "wms/translations/zh_CN").glob("*.json"):
        catalogue.update(json.loads(path.read_text(encoding="utf-8")))
    texts = set()
    for path in (ROOT / "templates/inventory").glob("*.html"):
        texts |= set(re.findall(r"_\('([^']+)'", path.read_text(encoding="utf-8")))
    for name in ("pages.py", "services.py", "stock_list.py"):
        source = (ROOT / "wms/inventory" / name).read_text(encoding="utf-8")
        texts |= set(re.findall(r'(?:_|ValidationFailed|InsufficientStock|NotFound)\(\s*"([^"]+)"', source))
    assert sorted(texts - set(catalogue)) == []
