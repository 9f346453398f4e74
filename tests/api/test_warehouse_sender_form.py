"""The warehouse form sets the labels' sender (name, phone, address) and privacy labels; a bad phone
is refused in the reader's language and changes nothing."""
import re

from wms.extensions import db
from tests.builders_inventory import make_warehouse
from wms.inventory.models import Warehouse

FORM = {"code": "HZ1", "name": "杭州一号仓", "timezone": "Asia/Shanghai", "address": "浙江省杭州市余杭区文一西路 1500 号",
        "labels_shown": "1"}


def saved(warehouse_id):
    db.session.expire_all()
    return db.session.get(Warehouse, warehouse_id)


def test_an_admin_sets_the_sender_and_turns_privacy_labels_off(client, login):
    login("admin")
    warehouse = make_warehouse("HZ1")
    assert warehouse.privacy_labels is True  # on unless turned off
    page = client.get(f"/inventory/warehouses/{warehouse.id}").get_data(as_text=True)
    assert re.search(r'<input type="checkbox" [^>]*name="privacy_labels"[^>]*value="1"[^>]*checked', page)
    assert 'name="phone"' in page
    response = client.post(f"/inventory/warehouses/{warehouse.id}",
                           data={**FORM, "sender_name": "杭州一号仓 发货组", "phone": "0571-88886666"})
    assert response.status_code == 302
    row = saved(warehouse.id)
    assert (row.sender_name, row.phone, row.address, row.privacy_labels) == (
        "杭州一号仓 发货组", "0571-88886666", "浙江省杭州市余杭区文一西路 1500 号", False)
    client.post(f"/inventory/warehouses/{warehouse.id}", data={**FORM, "sender_name": "", "phone": "",
                                                               "privacy_labels": "1"})
    row = saved(warehouse.id)
    assert (row.sender_name, row.phone, row.privacy_labels) == ("", "", True)


def test_a_bad_phone_is_refused_in_chinese_and_nothing_changes(client, login):
    login("admin")
    warehouse = make_warehouse("HZ1", phone="0571-88886666")
    response = client.post(f"/inventory/warehouses/{warehouse.id}?lang=zh_CN",
                           data={**FORM, "phone": "call the office", "sender_name": "新名字"}, follow_redirects=True)
    assert "请输入电话号码" in response.get_data(as_text=True)
    row = saved(warehouse.id)
    assert (row.phone, row.sender_name, row.privacy_labels) == ("0571-88886666", "", True)


def test_a_sender_name_past_the_carriers_limit_is_refused(client, login):
    login("admin")
    warehouse = make_warehouse("HZ1")
    response = client.post(f"/inventory/warehouses/{warehouse.id}", data={**FORM, "sender_name": "仓" * 61},
                           follow_redirects=True)
    assert "At most 60 characters" in response.get_data(as_text=True)
    assert saved(warehouse.id).sender_name == ""


def test_a_supervisor_cannot_change_the_sender(client, login):
    login("supervisor")
    warehouse = make_warehouse("HZ1")
    assert client.post(f"/inventory/warehouses/{warehouse.id}", data={**FORM, "phone": "021-1234567"}).status_code == 403
    assert saved(warehouse.id).phone == ""
