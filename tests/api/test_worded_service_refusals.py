"""Refusals that were filled-in f-strings (issue 17 item 3) keep their English message and details for
APIs and logs, and a page tells them in the reader's language, a field or state named as a word."""
from types import SimpleNamespace

import pytest

from wms.auth.access import require_channel
from wms.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed, error_text
from wms.review.checks import clean_edits


def refused(call, kind):
    with pytest.raises(kind) as caught:
        call()
    return caught.value


def too_long():
    return refused(lambda: clean_edits({"buyer_name": "x" * 9}, {"buyer_name": 5}), ValidationFailed)


def other_channel():
    token = SimpleNamespace(channels=["TB-1"], scopes=None)
    return refused(lambda: require_channel(token, "SHOP-2"), PermissionDenied)


def changed_meanwhile():
    return ConcurrentUpdate.worded("Order {order} was changed meanwhile", order=42, details={"order_id": 42})


def test_the_english_message_and_details_are_what_they_were():
    assert too_long().to_dict() == {"error": "validation_failed", "message": "buyer_name is longer than 5 characters",
                                    "field": "buyer_name"}
    assert other_channel().to_dict() == {"error": "forbidden",
                                         "message": "This API token may not act for channel 'SHOP-2'"}
    assert changed_meanwhile().to_dict() == {"error": "concurrent_update", "message": "Order 42 was changed meanwhile",
                                             "order_id": 42}


@pytest.mark.parametrize("make, chinese", [
    (too_long, "买家姓名超过 5 个字符"),
    (other_channel, "此 API 令牌不能代表店铺“SHOP-2”操作"),
    (changed_meanwhile, "订单 42 已被他人修改"),
])
def test_a_page_tells_the_refusal_in_chinese(app, make, chinese):
    with app.test_request_context("/?lang=zh_CN"):
        assert error_text(make()) == chinese


def test_a_field_named_in_an_english_refusal_reads_as_a_word_on_an_english_page(app):
    with app.test_request_context("/?lang=en"):
        assert error_text(too_long()) == "Buyer name is longer than 5 characters"


def test_a_refused_return_names_the_orders_state_as_a_word_in_each_language(app):
    from tests.builders import make_order
    from wms.aftersales import returns

    order = make_order(external_id="R-9", status="approved")
    error = refused(lambda: returns.receive_return(order.id, []), ValidationFailed)
    assert error.message == "Order R-9 is 'approved': only shipped orders can be returned"
    with app.test_request_context("/?lang=zh_CN"):
        assert error_text(error) == "订单 R-9 状态为“已审核”：只有已发货订单可以退货"
