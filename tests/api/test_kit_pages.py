"""Kits (组合装) over HTTP: the kits page and the SKU page define them (supervisor / admin), a refusal
keeps what was typed; an order pushed through the API with a kit line is reserved as its components."""
import re

from sqlalchemy import func, select

from tests.builders import make_channel, make_sku, make_user
from tests.builders_admin import log_in_as
from tests.builders_imports import record
from tests.builders_kits import make_kit
from tests.builders_picking import stocked_warehouse
from tests.screen_words import problems, visible_text
from wms.auth.services import create_api_token
from wms.catalog import kit_services
from wms.catalog.models import Sku, SkuKitComponent
from wms.extensions import db
from wms.inventory.models import Reservation, StockItem
from wms.orders.models import Order


def _textarea(page, input_id):
    return re.search(rf'<textarea[^>]*\bid="{input_id}"[^>]*>([^<]*)</textarea>', page)


def test_a_supervisor_defines_a_kit_on_the_kits_page_and_sees_it_listed(app, client, login):
    make_sku("CUP", barcodes=("6900000000201",))
    make_sku("LID", barcodes=("6900000000202",))
    make_sku("CUP-SET", barcodes=())
    login("supervisor")
    response = client.post("/catalog/kits", data={"kit": "CUP-SET", "components": "CUP*2\nLID"})
    assert response.status_code == 302
    page = client.get("/catalog/kits").get_data(as_text=True)
    row = re.search(r'<tr data-kit="CUP-SET">.*?</tr>', page, re.S).group(0)
    assert "CUP</span> × 2" in row and "LID</span> × 1" in row
    kit_id = db.session.scalar(select(Sku.id).where(Sku.code == "CUP-SET"))
    assert [(sku.code, qty) for sku, qty in kit_services.components_of(kit_id)] == [("CUP", 2), ("LID", 1)]


def test_a_refused_kit_keeps_what_was_typed_marks_the_input_and_saves_nothing(app, client, login):
    make_sku("CUP", barcodes=("6900000000201",))
    make_sku("CUP-SET", barcodes=())
    login("supervisor")
    response = client.post("/catalog/kits", data={"kit": "CUP-SET", "components": "CUP*2; GHOST"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    textarea = _textarea(page, "f-components")
    assert textarea.group(1) == "CUP*2; GHOST" and 'aria-invalid="true"' in textarea.group(0)
    assert "Not in the catalogue: GHOST" in page
    unknown_kit = client.post("/catalog/kits", data={"kit": "NOPE", "components": "CUP"})
    assert unknown_kit.status_code == 422 and "No SKU with the code" in unknown_kit.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SkuKitComponent.id))) == 0


def test_the_kit_pages_speak_the_readers_language(app, client):
    make_sku("CUP", barcodes=("6900000000201",), name="Cup")
    make_kit("CUP-SET", [("CUP", 2)], name="Cup set")
    kit_id = db.session.scalar(select(Sku.id).where(Sku.code == "CUP-SET"))
    for role, url in (("supervisor", "/catalog/kits"), ("admin", f"/catalog/skus/{kit_id}")):
        log_in_as(client, make_user(role, f"{role}-kits", locale="en"))
        for locale in ("en", "zh_CN"):
            response = client.get(url, query_string={"lang": locale})
            assert response.status_code == 200
            text = visible_text(response.get_data(as_text=True))
            data = ["CUP-SET", "CUP", "Cup set", "Cup", "SKU-A*2; SKU-B*1", "CUP*2", f"{role}-kits".title(), "CN"]  # CN: the customs example
            assert problems(text, locale, data) == []
    assert "组合装子商品" in client.get(f"/catalog/skus/{kit_id}", query_string={"lang": "zh_CN"}).get_data(as_text=True)


def test_only_supervisors_and_admins_change_kits(app, client, login):
    make_sku("CUP", barcodes=("6900000000201",))
    make_sku("CUP-SET", barcodes=())
    login("packer")
    response = client.post("/catalog/kits", data={"kit": "CUP-SET", "components": "CUP"})
    assert response.status_code in (302, 403)
    assert db.session.scalar(select(func.count(SkuKitComponent.id))) == 0


def test_an_order_pushed_through_the_api_with_a_kit_line_keeps_it_and_reserves_its_components(app, client):
    stocked_warehouse()
    make_kit("KIT-API", [("SKU-0", 2), ("SKU-1", 1)])
    make_channel("web")
    _token, plain = create_api_token("shop-push", role="integration")
    body = {"channel": "web", "orders": [record("KA-1", lines=(("KIT-API", 2, 5900),))]}
    response = client.post("/api/orders/batch", json=body, headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200 and response.json["created"] == 1
    order = db.session.get(Order, response.json["results"][0]["order_id"])
    assert [(line.sku_code, line.qty, line.unit_price_cents) for line in order.lines] == [("KIT-API", 2, 5900)]
    assert order.status == "allocated"      # reviewed and allocated on its own, as any order
    reserved = dict(db.session.execute(select(Sku.code, func.sum(Reservation.qty))
                                       .join(StockItem, StockItem.id == Reservation.stock_item_id)
                                       .join(Sku, Sku.id == StockItem.sku_id)
                                       .where(Reservation.order_id == order.id).group_by(Sku.code)).all())
    assert reserved == {"SKU-0": 4, "SKU-1": 2}
