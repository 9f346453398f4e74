"""The review desk's settings forms keep their input on a refusal: the blacklist form marks the wrong
input and keeps the entry as typed; the rules form keeps every row as posted and marks the refused
rule's parameters in the reader's language; nothing is saved."""
import re

from wms.extensions import db
from wms.review.models import BlacklistEntry, ReviewRule


def _input(page, input_id):
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{input_id}"[^>]*>', page).group(0)


def _rule(code):
    db.session.expire_all()
    return db.session.query(ReviewRule).filter_by(code=code).one()


def test_a_refused_blacklist_entry_is_kept_marked_and_not_added(client, login):
    login("supervisor")
    response = client.post("/review/blacklist", data={"kind": "phone", "value": "  ", "note": "chargeback 12/01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in _input(page, "f-value") and "Enter a value to blacklist" in page
    assert 'value="chargeback 12/01"' in _input(page, "f-note")
    assert '<option value="phone" selected>' in page.split('id="f-kind"')[1].split("</select>")[0]
    assert "required" in _input(page, "f-value") and db.session.query(BlacklistEntry).count() == 0


def test_a_blacklist_entry_twice_is_marked_the_second_time(client, login):
    login("supervisor")
    assert client.post("/review/blacklist", data={"kind": "buyer", "value": "王五"}).status_code == 302
    again = client.post("/review/blacklist", data={"kind": "buyer", "value": "王五"})
    assert again.status_code == 422 and 'aria-invalid="true"' in _input(again.get_data(as_text=True), "f-value")
    assert db.session.query(BlacklistEntry).count() == 1


def test_a_refused_rules_save_keeps_every_row_as_posted_and_marks_the_rule(client, login):
    supervisor = login("supervisor")
    supervisor.locale = "zh_CN"
    db.session.commit()
    client.get("/review/rules")
    remark_before, amount_before = _rule("remark").params, _rule("amount").params
    response = client.post("/review/rules", data={"position_remark": "1", "params_remark": '{"preview_chars": 20}',
                                                  "position_amount": "2", "enabled_amount": "on",
                                                  "params_amount": "{bad"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    marked = _input(page, "f-params-amount")
    assert 'aria-invalid="true"' in marked and 'value="{bad"' in marked
    assert "参数不是有效的 JSON" in page.split('id="f-params-amount-error"')[1].split("</small>")[0]
    assert "aria-invalid" not in _input(page, "f-params-remark")
    assert 'value="{&#34;preview_chars&#34;: 20}"' in _input(page, "f-params-remark")
    assert re.search(r'name="position_remark" value="1"', page)
    assert not re.search(r'name="enabled_remark" checked', page) and re.search(r'name="enabled_amount" checked', page)
    assert (_rule("remark").params, _rule("amount").params) == (remark_before, amount_before)


def test_the_rules_page_shows_parameters_as_json_a_browser_can_post_back(client, login):
    login("supervisor")
    client.post("/review/rules", data={"position_remark": "1", "params_remark": '{"preview_chars": 20}'})
    page = client.get("/review/rules").get_data(as_text=True)
    assert 'value="{&#34;preview_chars&#34;: 20}"' in _input(page, "f-params-remark")
