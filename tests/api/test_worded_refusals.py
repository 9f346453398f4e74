"""A refusal made with DomainError.worded is read in the reader's language, its state values as words
(issue 17 item 3: refusals built with f-strings could not be translated when flashed)."""
import pytest

from wms.errors import IllegalTransition, error_text, refusal_answer
from wms.orders.states import check_transition


def refusal():
    with pytest.raises(IllegalTransition) as caught:
        check_transition("approved", "returned")
    return caught.value


def test_the_english_message_and_details_stay_as_apis_and_logs_read_them():
    error = refusal()
    assert error.to_dict() == {"error": "illegal_transition", "message": "an order cannot go from 'approved' to 'returned'",
                               "current": "approved", "requested": "returned"}
    assert refusal_answer(error)["values"] == {"current": "approved", "new": "returned"}


@pytest.mark.parametrize("locale, said", [("zh_CN", "订单不能从“已审核”变为“已退货”"),
                                          ("en", "an order cannot go from 'Approved' to 'Returned'")])
def test_a_page_tells_the_refusal_in_the_readers_language_with_states_as_words(app, locale, said):
    with app.test_request_context(f"/?lang={locale}"):
        assert error_text(refusal()) == said


def test_an_unreadable_upload_is_refused_in_chinese(app, tmp_path):
    from wms.errors import ValidationFailed
    from wms.spreadsheets.readers import read_rows

    bad = tmp_path / "orders.csv"
    bad.write_bytes("订单号,买家\n1,张三\n".encode("utf-8") + b"2,\xff\xfe\xfa\n")
    with pytest.raises(ValidationFailed) as caught:
        list(read_rows(bad))
    with app.test_request_context("/?lang=zh_CN"):
        told = error_text(caught.value)
    assert told.startswith("文件既不是 UTF-8 也不是 GBK 文本（")  # the codec's own reason stays as it said it
    assert caught.value.details == {"field": "file"} and "neither UTF-8 nor GBK" in caught.value.message
