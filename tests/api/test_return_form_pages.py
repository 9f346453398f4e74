"""The return form keeps its input on a refusal, marks the wrong inputs, and asks before restocking
into a bin that holds another SKU."""
import re

import pytest
from sqlalchemy import func, select

from tests.builders_handover import make_carrier, shipped_orders
from wms.catalog.models import Sku
from wms.extensions import db
from wms.inventory.models import Bin, StockItem
from wms.orders import states
from wms.orders.models import Order


@pytest.fixture
def shipped(app):
    make_carrier("SF")
    orders, _parcels = shipped_orders(1)
    return db.session.get(Order, orders[0].id)


def on_hand(bin_code, sku_code):
    return db.session.scalar(select(func.coalesce(func.sum(StockItem.on_hand), 0)).join(Sku).join(Bin)
                             .where(Bin.code == bin_code, Sku.code == sku_code))


def _bin_of(sku_code):
    return db.session.scalar(select(Bin.code).join(StockItem, StockItem.bin_id == Bin.id).join(Sku)
                             .where(Sku.code == sku_code, StockItem.on_hand > 0))


def _post(client, order, **fields):
    first, second = order.lines
    data = {"line": [first.id, second.id], f"qty_{first.id}": "1", f"result_{first.id}": "restock",
            f"bin_{first.id}": _bin_of(first.sku_code), f"qty_{second.id}": "0", f"result_{second.id}": "restock",
            "reference": "SF-RET-9", "note": "box dented"}
    data.update({key.format(first=first.id, second=second.id): value for key, value in fields.items()})
    return client.post(f"/aftersales/returns/{order.id}", data=data)


def _input(page, input_id):
    """The whole tag of the input with this id."""
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{input_id}"[^>]*>', page).group(0)


def test_a_refused_return_keeps_every_input_marks_the_missing_bin_and_books_nothing(client, login, shipped):
    login("reviewer")
    first, second = shipped.lines
    response = _post(client, shipped, **{"bin_{first}": "", "qty_{second}": "1", "result_{second}": "write_off"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, f"f-bin-{first.id}")
    assert 'aria-invalid="true"' in _input(page, f"f-reason-{second.id}")
    assert "Scan or type the bin to restock into" in page and "Say why it is written off" in page
    assert 'value="SF-RET-9"' in page and 'value="box dented"' in page and 'value="1"' in _input(page, f"f-qty-{second.id}")
    assert f'<option value="write_off" selected>' in page.split(f'id="f-result-{second.id}"')[1]
    db.session.expire_all()
    assert db.session.get(Order, shipped.id).status == states.SHIPPED


def test_a_too_large_quantity_is_marked_in_the_readers_language(client, login, shipped):
    reviewer = login("reviewer")
    reviewer.locale = "zh_CN"
    db.session.commit()
    first = shipped.lines[0]
    own = _bin_of(first.sku_code)
    before = on_hand(own, first.sku_code)
    page = _post(client, shipped, **{"qty_{first}": "9"}).get_data(as_text=True)
    assert 'aria-invalid="true"' in _input(page, f"f-qty-{first.id}") and "请输入 1 到 2 之间的数量" in page
    db.session.expire_all()
    assert on_hand(own, first.sku_code) == before
    assert db.session.get(Order, shipped.id).status == states.SHIPPED


def test_restocking_into_another_skus_bin_asks_first_and_only_a_confirmed_post_moves_stock(client, login, shipped):
    login("reviewer")
    first, second = shipped.lines
    strangers_bin = _bin_of(second.sku_code)
    before = on_hand(strangers_bin, first.sku_code)
    asked = _post(client, shipped, **{"bin_{first}": strangers_bin})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 422 and 'name="confirm_mixed" value="1"' in page
    assert f"{first.sku_code} into bin {strangers_bin}, which holds {second.sku_code}" in page
    assert f'value="{strangers_bin}"' in _input(page, f"f-bin-{first.id}")
    db.session.expire_all()
    assert on_hand(strangers_bin, first.sku_code) == before
    assert db.session.get(Order, shipped.id).status == states.SHIPPED
    confirmed = _post(client, shipped, **{"bin_{first}": strangers_bin, "confirm_mixed": "1"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert on_hand(strangers_bin, first.sku_code) == before + 1
    assert db.session.get(Order, shipped.id).status == states.RETURNED


def test_restocking_into_the_skus_own_bin_needs_no_confirmation(client, login, shipped):
    login("reviewer")
    first = shipped.lines[0]
    own = _bin_of(first.sku_code)
    before = on_hand(own, first.sku_code)
    assert _post(client, shipped).status_code == 302
    db.session.expire_all()
    assert on_hand(own, first.sku_code) == before + 1
