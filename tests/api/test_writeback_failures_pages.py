"""The supervisors' write-back failures over HTTP (issue 21 item 5): a permanent refusal shown as such, dismissed
with a reason (and refused without one), fixed and retried; supervisors only."""
import re

import pytest
from sqlalchemy import select

from tests.builders import make_channel, make_order
from tests.builders_handover import make_carrier
from wms.extensions import db
from wms.orders.models import OrderEvent
from wms.tracking.models import WB_DISMISSED, WB_FAILED, WritebackTask


def csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def refused(app):
    """A write-back the platform refused for good (a channel with no address: every push is refused)."""
    make_carrier("SF", "顺丰速运")
    make_carrier("YTO", "圆通速递")
    channel = make_channel(code="wbf-shop", platform="shopify", settings={})
    order = make_order(channel=channel, external_id="WBF-1001")
    task = WritebackTask(order_id=order.id, channel_id=channel.id, carrier_code="SF", tracking_number="SF5500000001",
                         status=WB_FAILED, attempts=1, failure_kind="permanent",
                         last_error="ChannelError: Shopify order WBF-1001 has nothing left to fulfil")
    db.session.add(task)
    db.session.commit()
    return task.id, order.id


def task(task_id):
    db.session.expire_all()
    return db.session.get(WritebackTask, task_id)


def reasons(order_id):
    return [e.reason for e in db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order_id))]


@pytest.mark.parametrize("locale, words", [("en", ("Permanent", "The platform refused: not retried by itself")),
                                           ("zh_CN", ("永久失败", "平台拒绝：不会自动重试"))])
def test_a_permanent_refusal_is_shown_as_one_in_both_languages(client, login, refused, locale, words):
    login("supervisor")
    client.post("/me/locale", data={"locale": locale})
    page = client.get("/tracking/exceptions").get_data(as_text=True)
    assert "WBF-1001" in page and "nothing left to fulfil" in page
    for word in words:
        assert word in page


def test_a_supervisor_dismisses_a_failure_with_a_reason(client, login, refused):
    task_id, order_id = refused
    login("supervisor")
    token = csrf(client.get("/tracking/exceptions").get_data(as_text=True))
    response = client.post(f"/tracking/writebacks/{task_id}/dismiss",
                           data={"reason": "shipped on the platform by hand", "csrf_token": token})
    assert response.status_code == 302
    dismissed = task(task_id)
    assert dismissed.status == WB_DISMISSED and dismissed.dismissed_reason == "shipped on the platform by hand"
    assert any("shipped on the platform by hand" in r for r in reasons(order_id))
    page = client.get("/tracking/exceptions").get_data(as_text=True)
    open_table = page.split('id="writebacks-open"')[1].split("</table>")[0]
    dismissed_table = page.split('id="writebacks-dismissed"')[1].split("</table>")[0]
    assert "WBF-1001" not in open_table and "WBF-1001" in dismissed_table and "supervisor1" in dismissed_table


def test_a_dismissal_without_a_reason_is_refused_and_changes_nothing(client, login, refused):
    task_id, _order_id = refused
    login("supervisor")
    token = csrf(client.get("/tracking/exceptions").get_data(as_text=True))
    client.post(f"/tracking/writebacks/{task_id}/dismiss", data={"reason": "  ", "csrf_token": token})
    assert task(task_id).status == WB_FAILED
    assert "Say why the failure is dismissed" in client.get("/tracking/exceptions").get_data(as_text=True)


def test_fix_and_retry_changes_the_carrier_and_number_and_pushes_again(client, login, refused):
    task_id, order_id = refused
    login("supervisor")
    token = csrf(client.get("/tracking/exceptions").get_data(as_text=True))
    client.post(f"/tracking/writebacks/{task_id}/fix",
                data={"carrier_code": "YTO", "tracking_number": "YT5500000009", "csrf_token": token})
    fixed = task(task_id)
    assert (fixed.carrier_code, fixed.tracking_number, fixed.attempts) == ("YTO", "YT5500000009", 2)
    said = reasons(order_id)
    assert "write-back carrier changed from SF to YTO" in said
    assert "write-back tracking number changed from SF5500000001 to YT5500000009" in said


def test_a_packer_cannot_dismiss(client, login, refused):
    task_id, _order_id = refused
    login("packer")
    response = client.post(f"/tracking/writebacks/{task_id}/dismiss", data={"reason": "no"})
    assert response.status_code in (302, 400, 403)
    assert task(task_id).status == WB_FAILED
