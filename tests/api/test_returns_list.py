"""The returns list filters by what became of the goods and pages, as the parcel list does (issue 17
item 2): no return is hidden past a fixed count, and a filter nobody offers is refused plainly."""
import re

import pytest
from sqlalchemy import func, select

from tests.builders_handover import make_carrier, shipped_orders
from wms.aftersales import return_list, returns
from wms.aftersales.models import ReturnReceipt
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.models import Bin


@pytest.fixture
def received(app):
    """Five returns, oldest first: restocked, written off, both, restocked, written off."""
    make_carrier("SF")
    orders, _parcels = shipped_orders(5)
    bin_id = db.session.scalar(select(Bin.id).order_by(Bin.id))
    kinds = (("restock",), ("write_off",), ("restock", "write_off"), ("restock",), ("write_off",))
    for number, (order, results) in enumerate(zip(orders, kinds)):
        lines = [{"order_line_id": line.id, "qty": 1, "result": result, "bin_id": bin_id, "reason": "crushed"}
                 for line, result in zip(order.lines, results)]
        returns.receive_return(order.id, lines, actor="returns-clerk", reference=f"RET-{number}")
    return [order.external_id for order in orders]


def test_a_page_shows_the_newest_returns_first_and_tells_how_many_pages_there_are(received):
    first = return_list.return_page(page=1, per_page=2)
    last = return_list.return_page(page=3, per_page=2)
    assert (first.total, first.pages) == (5, 3)
    assert [r.reference for r in first.receipts] == ["RET-4", "RET-3"]
    assert [r.reference for r in last.receipts] == ["RET-0"]
    assert return_list.return_page(page=99, per_page=2).page == 3  # past the end: the last page


def test_the_filter_keeps_the_returns_with_a_line_of_that_result(received):
    restocked = return_list.return_page("restock")
    written_off = return_list.return_page("write_off")
    assert [r.reference for r in restocked.receipts] == ["RET-3", "RET-2", "RET-0"]
    assert [r.reference for r in written_off.receipts] == ["RET-4", "RET-2", "RET-1"]
    assert restocked.total == 3


def test_an_unknown_result_is_refused(received):
    with pytest.raises(ValidationFailed) as refused:
        return_list.return_page("lost")
    assert refused.value.details.get("field") == "result"


def test_the_page_lists_filters_and_pages_past_fifty_returns(received, client, login, monkeypatch):
    login("supervisor")
    monkeypatch.setattr(return_list, "PER_PAGE", 2)
    html = client.get("/aftersales/returns?result=write_off").get_data(as_text=True)
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(RET-\d)</td>", html)
    assert [reference for _order, reference in rows] == ["RET-4", "RET-2"]
    assert 'value="write_off" selected' in html
    assert "/aftersales/returns?result=write_off&amp;page=2" in html  # the next page keeps the filter
    second = client.get("/aftersales/returns?result=write_off&page=2").get_data(as_text=True)
    assert re.findall(r"<td>(RET-\d)</td>", second) == ["RET-1"]


def test_the_page_refuses_an_unknown_result_in_the_readers_language(received, client, login):
    login("supervisor")
    response = client.get("/aftersales/returns?result=lost&lang=zh_CN")
    assert response.status_code == 422
    assert "未知的退货处理结果" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ReturnReceipt.id))) == 5
