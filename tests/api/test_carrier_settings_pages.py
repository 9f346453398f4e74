"""The carriers page: rules and Kuaidi100 settings as fields; a refused post keeps what was typed."""
import html

from tests.builders_packing import make_carrier
from wms.extensions import db
from wms.shipping.models import Carrier


def _zto(**changes):
    posted = {"code": "ZTO", "name": "中通快递", "cutoffs": "16:00", "adapter": "kuaidi100", "active": "1",
              "s.kuaidi100.regions": "浙江省, 上海市", "s.kuaidi100.base_cents": "6.50",
              "s.kuaidi100.per_kg_cents": "2", "s.kuaidi100.max_weight_g": "20000",
              "s.kuaidi100.sender.name": "仓库", "s.kuaidi100.sender.phone": "13800000000",
              "s.kuaidi100.kuaidicom": "zhongtong", "s.kuaidi100.salt": "push-pepper-9",
              "s.kuaidi100.pay_type": "MONTHLY", "settings": '{"note": "kept"}'}
    posted.update(changes)
    return posted


def _carrier(code="ZTO"):
    db.session.expire_all()
    return db.session.query(Carrier).filter_by(code=code).one_or_none()


def test_a_carrier_is_saved_from_its_fields_with_a_push_salt_and_no_json(client, login):
    login("admin")
    assert client.post("/shipping/carriers", data=_zto()).status_code == 302
    assert _carrier().settings == {
        "adapter": "kuaidi100", "regions": ["浙江省", "上海市"], "base_cents": 650, "per_kg_cents": 200,
        "max_weight_g": 20000, "sender": {"name": "仓库", "phone": "13800000000"}, "kuaidicom": "zhongtong",
        "salt": "push-pepper-9", "pay_type": "MONTHLY", "note": "kept"}


def test_the_page_shows_the_stored_fields_but_never_the_salt_and_keeps_it_when_left_empty(client, login):
    login("admin")
    client.post("/shipping/carriers", data=_zto())
    page = html.unescape(client.get("/shipping/carriers").get_data(as_text=True))
    assert "push-pepper-9" not in page and 'value="6.50"' in page and 'value="浙江省, 上海市"' in page
    assert '"note": "kept"' in page
    client.post("/shipping/carriers", data=_zto(**{"s.kuaidi100.salt": "", "s.kuaidi100.base_cents": "7"}))
    assert _carrier().settings["salt"] == "push-pepper-9" and _carrier().settings["base_cents"] == 700


def test_a_refused_carrier_keeps_the_input_marks_every_wrong_field_and_changes_nothing(client, login):
    login("admin")
    make_carrier("ZTO", name="中通快递", settings={"base_cents": 500}, cutoffs=("17:00",))
    response = client.post("/shipping/carriers", data=_zto(**{
        "name": "新名字", "cutoffs": "25:99", "s.kuaidi100.base_cents": "six", "s.kuaidi100.api_url": "kuaidi100"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="新名字"' in page and 'value="25:99"' in page and 'value="six"' in page
    for input_id in ("f-ZTO-cutoffs", "f-ZTO-s-kuaidi100-base-cents", "f-ZTO-s-kuaidi100-api-url"):
        assert f'id="{input_id}"' in page and page.split(f'id="{input_id}"')[1].split(">")[0].count('aria-invalid="true"')
    assert "Cut-off 25:99 is not a time of day (HH:MM)" in page and "Enter an amount in yuan" in page
    carrier = _carrier()
    assert (carrier.name, carrier.cutoffs, carrier.settings) == ("中通快递", ["17:00"], {"base_cents": 500})


def test_a_new_carrier_refused_is_not_created_and_its_form_is_the_one_kept(client, login):
    login("admin")
    response = client.post("/shipping/carriers", data=_zto(**{"s.kuaidi100.max_weight_g": "-5"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="f-new-s-kuaidi100-max-weight-g"' in page
    assert "Enter a whole number from 0 to 1000000" in page and 'value="中通快递"' in page
    assert _carrier() is None


def test_an_unknown_adapter_is_refused(client, login):
    login("admin")
    response = client.post("/shipping/carriers", data=_zto(adapter="telegraph"))
    assert response.status_code == 422 and "Unknown carrier adapter" in response.get_data(as_text=True)
    assert _carrier() is None
