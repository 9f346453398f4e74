"""Receiving and adjust / count keep their input on a refusal: 422 with the scans and the quantity as
typed, each wrong input marked (several at once), in the reader's language, and nothing booked."""
import re

from sqlalchemy import func, select

from tests.builders import make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse
from wms.inventory.models import StockItem, StockMovement


def _input(page, input_id):
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{input_id}"[^>]*>', page).group(0)


def _error(page, input_id):
    return page.split(f'id="{input_id}-error"')[1].split("</small>")[0]


def _movements(db):
    return db.session.scalar(select(func.count()).select_from(StockMovement))


def _floor(db):
    make_sku(barcodes=("6901234567892",))
    warehouse = make_warehouse()
    make_bin(warehouse)
    return warehouse


def test_a_refused_receipt_keeps_the_scans_and_marks_every_wrong_input(client, login, db):
    login("supervisor")
    warehouse = _floor(db)
    response = client.post("/inventory/receive", data={"warehouse": warehouse.id, "sku": "nope", "bin": "Z-99",
                                                       "qty": "0", "reference": "PO-7"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("sku", "bin", "qty"):
        assert 'aria-invalid="true"' in _input(page, f"f-{name}"), name
    assert "Unknown SKU or barcode" in _error(page, "f-sku") and "Unknown bin in this warehouse" in _error(page, "f-bin")
    assert "Enter a whole number from 1 to 1000000" in _error(page, "f-qty")
    assert 'value="nope"' in _input(page, "f-sku") and 'value="Z-99"' in _input(page, "f-bin")
    assert 'value="PO-7"' in _input(page, "f-reference") and 'value="0"' in _input(page, "f-qty")
    assert f'<option value="{warehouse.id}" selected>' in page
    assert "required" in _input(page, "f-sku") and "required" not in _input(page, "f-reference")
    assert _movements(db) == 0 and db.session.scalars(select(StockItem)).all() == []


def test_a_receipt_without_a_quantity_is_marked_in_chinese(client, login, db):
    supervisor = login("supervisor")
    supervisor.locale = "zh_CN"
    db.session.commit()
    warehouse = _floor(db)
    page = client.post("/inventory/receive", data={"warehouse": warehouse.id, "sku": "SKU-1",
                                                   "bin": "A-01-01-1", "qty": ""}).get_data(as_text=True)
    assert 'aria-invalid="true"' in _input(page, "f-qty") and "必填" in _error(page, "f-qty")
    assert "aria-invalid" not in _input(page, "f-sku") and 'value="SKU-1"' in _input(page, "f-sku")
    assert _movements(db) == 0


def test_a_valid_receipt_books_and_keeps_the_warehouse_for_the_next_scan(client, login, db):
    login("supervisor")
    warehouse = _floor(db)
    response = client.post("/inventory/receive", data={"warehouse": warehouse.id, "sku": "6901234567892",
                                                       "bin": "A-01-01-1", "qty": "4"})
    assert response.status_code == 302 and f"warehouse={warehouse.id}" in response.location
    assert db.session.scalar(select(StockItem)).on_hand == 4
    page = client.get(response.location).get_data(as_text=True)
    assert f'<option value="{warehouse.id}" selected>' in page and 'value=""' in _input(page, "f-sku")


def test_an_adjustment_without_a_reason_or_change_is_refused_and_marked(client, login, db):
    login("supervisor")
    warehouse = _floor(db)
    client.post("/inventory/receive", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1", "qty": "5"})
    before = _movements(db)
    response = client.post("/inventory/adjust", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1",
                                                      "mode": "adjust", "qty": "0", "reason": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-qty") and "minus sign" in _error(page, "f-qty")
    assert 'aria-invalid="true"' in _input(page, "f-reason") and "Give a reason" in _error(page, "f-reason")
    assert '<option value="adjust" selected>' in page
    db.session.expire_all()
    assert db.session.scalar(select(StockItem)).on_hand == 5 and _movements(db) == before


def test_a_count_below_reserved_keeps_the_count_and_marks_the_quantity(client, login, db):
    login("supervisor")
    warehouse = _floor(db)
    client.post("/inventory/receive", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1", "qty": "2"})
    make_order(status="approved", lines=(("SKU-1", 2),))
    from wms.inventory.services import allocate_orders
    allocate_orders([1])
    response = client.post("/inventory/adjust", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1",
                                                      "mode": "count", "qty": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'aria-invalid="true"' in _input(page, "f-qty") and 'value="1"' in _input(page, "f-qty")
    assert "Counted less than is reserved" in _error(page, "f-qty")
    assert '<option value="count" selected>' in page
    db.session.expire_all()
    assert db.session.scalar(select(StockItem)).on_hand == 2


def test_a_valid_adjustment_and_count_are_saved(client, login, db):
    login("supervisor")
    warehouse = _floor(db)
    client.post("/inventory/receive", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1", "qty": "5"})
    adjusted = client.post("/inventory/adjust", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1",
                                                      "mode": "adjust", "qty": "-2", "reason": "damaged"})
    assert adjusted.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(StockItem)).on_hand == 3
    counted = client.post("/inventory/adjust", data={"warehouse": warehouse.id, "sku": "SKU-1", "bin": "A-01-01-1",
                                                     "mode": "count", "qty": "7"})
    assert counted.status_code == 302 and "Count saved" in client.get(counted.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(StockItem)).on_hand == 7


def test_a_refused_warehouse_edit_keeps_every_input_and_marks_the_wrong_one(client, login, db):
    from wms.inventory.models import Warehouse

    login("admin")
    warehouse = make_warehouse("HZ1")
    response = client.post(f"/inventory/warehouses/{warehouse.id}", data={
        "code": "HZ1", "name": "杭州新仓", "timezone": "Mars/Olympus", "n_aisles": "14", "labels_shown": "1",
        "sender_name": "发货组"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-timezone") and "Unknown time zone" in _error(page, "f-timezone")
    assert 'value="Mars/Olympus"' in _input(page, "f-timezone") and 'value="杭州新仓"' in _input(page, "f-name")
    assert 'value="14"' in _input(page, "f-n-aisles") and 'value="发货组"' in _input(page, "f-sender-name")
    assert "checked" not in _input(page, "f-privacy-labels")
    db.session.expire_all()
    row = db.session.get(Warehouse, warehouse.id)
    assert (row.name, row.timezone, row.privacy_labels) != ("杭州新仓", "Mars/Olympus", False) and row.privacy_labels


def test_a_refused_new_warehouse_keeps_its_input_and_creates_nothing(client, login, db):
    from wms.inventory.models import Warehouse

    login("admin")
    response = client.post("/inventory/warehouses", data={"code": "", "name": "苏州仓", "n_aisles": "8",
                                                           "labels_shown": "1", "privacy_labels": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-code") and 'value="苏州仓"' in _input(page, "f-name")
    assert 'value="8"' in _input(page, "f-n-aisles") and "checked" in _input(page, "f-privacy-labels")
    assert db.session.scalar(select(func.count()).select_from(Warehouse)) == 0
    created = client.post("/inventory/warehouses", data={"code": "SZ1", "name": "苏州仓", "labels_shown": "1"})
    assert created.status_code == 302 and db.session.scalar(select(Warehouse.code)) == "SZ1"


def test_a_refused_layout_file_or_demo_levels_are_marked_on_the_warehouse_page(client, login, db):
    import io

    from wms.inventory.models import Bin

    login("admin")
    warehouse = make_warehouse("HZ9")
    bad_file = client.post(f"/inventory/warehouses/{warehouse.id}/layout",
                           data={"file": (io.BytesIO("zone,code\nA,\xff".encode("latin-1")), "layout.csv")},
                           content_type="multipart/form-data")
    page = bad_file.get_data(as_text=True)
    assert bad_file.status_code == 422 and 'aria-invalid="true"' in _input(page, "f-file")
    assert "The file must be UTF-8 CSV" in _error(page, "f-file")
    levels = client.post(f"/inventory/warehouses/{warehouse.id}/demo-layout", data={"levels": "many"})
    page = levels.get_data(as_text=True)
    assert levels.status_code == 422 and 'aria-invalid="true"' in _input(page, "f-levels")
    assert 'value="many"' in _input(page, "f-levels") and "aria-invalid" not in _input(page, "f-file")
    assert db.session.scalar(select(func.count()).select_from(Bin)) == 0
    made = client.post(f"/inventory/warehouses/{warehouse.id}/demo-layout", data={"levels": "2"})
    assert made.status_code == 302 and db.session.scalar(select(func.count()).select_from(Bin)) > 0
