"""The stock page: a page at a time, filtered by SKU, bin, zone and below minimum."""
from tests.builders import make_sku
from tests.builders_inventory import make_bin, make_warehouse, put_stock
from wms.extensions import db
from wms.inventory.models import Zone


def _stocked(n):
    warehouse = make_warehouse()
    cold = Zone(warehouse_id=warehouse.id, code="COLD", name="Cold")
    db.session.add(cold)
    db.session.commit()
    for i in range(n):
        sku = make_sku(code=f"SKU-{i:03d}", barcodes=(f"690000000{i:04d}",), min_qty=10 if i % 2 else 0)
        bin_ = make_bin(warehouse, code=f"A-{i:03d}", zone_id=cold.id if i < 3 else None)
        put_stock(bin_, sku, 5 if i % 4 == 1 else 50)
    return warehouse, cold


def _skus_shown(response):
    text = response.get_data(as_text=True)
    text = text[text.index('<table id="stock">'):]
    text = text[:text.index("</table>")]
    return sorted({part[:7] for part in text.split('<td class="mono">')[1:] if part.startswith("SKU-")})


def test_the_stock_page_shows_fifty_rows_a_page_in_sku_order(client, login):
    login("supervisor")
    _stocked(60)
    first, second = client.get("/inventory/stock"), client.get("/inventory/stock?page=2")
    assert _skus_shown(first) == [f"SKU-{i:03d}" for i in range(50)]
    assert _skus_shown(second) == [f"SKU-{i:03d}" for i in range(50, 60)]
    assert "Page 2 of 2" in second.get_data(as_text=True)


def test_stock_filters_by_sku_bin_zone_and_below_minimum(client, login):
    login("supervisor")
    _, cold = _stocked(8)
    assert _skus_shown(client.get("/inventory/stock?q=SKU-007")) == ["SKU-007"]
    assert _skus_shown(client.get("/inventory/stock?q=6900000000005")) == ["SKU-005"]
    assert _skus_shown(client.get("/inventory/stock?bin=A-002")) == ["SKU-002"]
    assert _skus_shown(client.get(f"/inventory/stock?zone={cold.id}")) == ["SKU-000", "SKU-001", "SKU-002"]
    # minimum 10 on the odd SKUs; 5 on hand for SKU-001 and SKU-005 (i % 4 == 1)
    assert _skus_shown(client.get("/inventory/stock?below=1")) == ["SKU-001", "SKU-005"]


def test_a_page_past_the_last_shows_the_last_and_a_wild_filter_matches_nothing(client, login):
    login("supervisor")
    _stocked(3)
    assert _skus_shown(client.get("/inventory/stock?page=99")) == ["SKU-000", "SKU-001", "SKU-002"]
    response = client.get("/inventory/stock?q=%25_%25")
    assert response.status_code == 200
    assert _skus_shown(response) == []
