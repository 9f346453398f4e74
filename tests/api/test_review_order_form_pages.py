"""The review order page keeps what the reviewer typed when an action is refused: the edits, a hold or
cancel reason, the split quantities come back as posted (422 / 409), the wrong input marked, and the
order is unchanged."""
import re

import pytest

from tests.builders import make_order, make_sku
from tests.builders_review import allocations, reload  # noqa: F401


@pytest.fixture
def desk(db, login, allocations):
    make_sku()
    return login("reviewer")


def _input(page, input_id):
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{input_id}"[^>]*>', page).group(0)


def test_a_refused_edit_keeps_every_typed_field_and_marks_the_wrong_one(client, desk):
    order = make_order()
    response = client.post(f"/review/orders/{order.id}/edit", data={
        "expected_version": 1, "buyer_name": "李四", "country": "CHINA", "city": "宁波市", "buyer_remark": "放门口"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-edit-country") and 'value="CHINA"' in _input(page, "f-edit-country")
    assert "2" in page.split('id="f-edit-country-error"')[1].split("</small>")[0]   # the limit, said under the input
    assert 'value="李四"' in _input(page, "f-edit-buyer-name") and 'value="宁波市"' in _input(page, "f-edit-city")
    assert "放门口</textarea>" in page
    fresh = reload(order)
    assert (fresh.buyer_name, fresh.city, fresh.version) == ("张三", "杭州市", 1)


def test_a_one_letter_country_is_marked_and_nothing_changes(client, desk):
    order = make_order()
    response = client.post(f"/review/orders/{order.id}/edit", data={"expected_version": 1, "country": "C"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in _input(page, "f-edit-country")
    assert 'value="C"' in _input(page, "f-edit-country") and reload(order).country == "CN"


def test_a_hold_without_a_reason_is_marked_on_the_hold_form_only(client, desk):
    order = make_order()
    response = client.post(f"/review/orders/{order.id}/hold", data={"expected_version": 1, "reason": "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in _input(page, "f-hold-reason")
    assert "aria-invalid" not in _input(page, "f-cancel-reason") and "aria-invalid" not in _input(page, "f-edit-buyer-name")
    assert "required" in _input(page, "f-hold-reason") and reload(order).status == "imported"


def test_refused_split_quantities_stay_typed(client, desk):
    order = make_order(external_id="S", lines=(("SKU-1", 3),))
    line_id = order.lines[0].id
    response = client.post(f"/review/orders/{order.id}/split", data={"expected_version": 1, f"qty_{line_id}": "3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "A split must leave something on the original order" in page
    assert 'value="3"' in _input(page, f"f-qty-{line_id}")
    assert [line.qty for line in reload(order).lines] == [3]


def test_a_stale_edit_answers_409_with_the_edits_kept_and_the_current_version(client, desk, make_user):
    from wms.review import services

    order = make_order()
    services.edit_order(order.id, changes={"city": "温州市"}, actor=make_user("supervisor", username="alice"),
                        expected_version=1)
    response = client.post(f"/review/orders/{order.id}/edit", data={"expected_version": 1, "buyer_name": "Mallory"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "This order was changed by alice" in page
    assert 'value="Mallory"' in _input(page, "f-edit-buyer-name") and 'name="expected_version" value="2"' in page
    assert (reload(order).buyer_name, reload(order).city) == ("张三", "温州市")


def test_a_valid_edit_still_saves_and_redirects(client, desk):
    order = make_order()
    response = client.post(f"/review/orders/{order.id}/edit", data={"expected_version": 1, "buyer_name": "李四"})
    assert response.status_code == 302 and reload(order).buyer_name == "李四"
