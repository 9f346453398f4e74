"""A sealed parcel's label as the sandbox carrier answers it: the warehouse it ships from as the sender
(on the label and in the request), the print time in that warehouse's time zone, the buyer masked
unless the warehouse turned privacy labels off, the sort code and 集包地 from the carrier's answer."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests import pdf_checks
from tests.builders_inventory import make_warehouse
from tests.builders_packing import make_carrier, picked_order
from wms.extensions import db
from wms.inventory.models import OrderAllocation
from wms.shipping import label_files, waybills
from wms.shipping.carriers.kuaidi100 import package_centre, sort_code
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.models import Carrier, Parcel

needs_poppler = pdf_checks.needs_poppler


@pytest.fixture
def sandbox():
    box = Sandbox().start()
    yield box
    box.stop()


@pytest.fixture
def carrier(app, sandbox):
    return make_carrier("SF", settings=sandbox.settings(timeout_s=5))


@pytest.fixture
def warehouse(app):
    return make_warehouse("HZ1", name="杭州一号仓", timezone="Asia/Shanghai", phone="0571-88886666",
                          address="浙江省杭州市余杭区文一西路 1500 号 3 号库")


def sealed(order, warehouse=None):
    if warehouse is not None:
        db.session.add(OrderAllocation(order_id=order.id, warehouse_id=warehouse.id))
        db.session.commit()
    parcel = waybills.seal_parcel(order.id, seal_uuid=f"seal-{order.id}", station_code="PS-1", carton_code="C2",
                                  weight_g=900)
    db.session.expire_all()
    return db.session.get(Parcel, parcel.id)


def test_the_sender_is_the_warehouse_the_order_ships_from_on_the_label_and_in_the_request(carrier, sandbox, warehouse):
    other = make_warehouse("SH2", name="上海二号仓", priority=1, phone="021-58586666", address="上海市浦东新区川沙路 5558 号")
    parcel = sealed(picked_order(buyer_name="张三", buyer_phone="13812345678"), warehouse)
    label = label_files.label_data(parcel, carrier)
    assert (label.sender.name, label.sender.phone) == ("杭州一号仓", "0571-88886666")
    assert label.sender.address == "浙江省杭州市余杭区文一西路 1500 号 3 号库" and other.name not in label.sender.name
    _method, param = sandbox.requests[0]
    assert param["sendMan"] == {"name": "杭州一号仓", "mobile": "0571-88886666",
                                "printAddr": "浙江省杭州市余杭区文一西路 1500 号 3 号库", "company": ""}
    assert param["recMan"]["name"] == "张三" and param["recMan"]["mobile"] == "13812345678"  # the carrier gets it whole


def test_the_label_prints_in_the_warehouses_time_zone_not_utc(carrier, warehouse):
    warehouse.timezone = "Asia/Shanghai"
    db.session.commit()
    parcel = sealed(picked_order(), warehouse)
    printed = datetime.strptime(label_files.label_data(parcel, carrier).printed_at, "%Y-%m-%d %H:%M")
    shanghai_now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert abs(printed - shanghai_now) < timedelta(minutes=2)  # UTC would be 8 hours off


def test_a_warehouse_in_another_time_zone_prints_its_own_time(carrier):
    berlin = make_warehouse("BER", name="Berlin", timezone="Europe/Berlin")
    parcel = sealed(picked_order(), berlin)
    printed = datetime.strptime(label_files.label_data(parcel, carrier).printed_at, "%Y-%m-%d %H:%M")
    assert abs(printed - datetime.now(ZoneInfo("Europe/Berlin")).replace(tzinfo=None)) < timedelta(minutes=2)


@needs_poppler
def test_privacy_is_on_by_default_the_label_masks_the_buyer_the_stored_pdf_too(carrier, warehouse):
    parcel = sealed(picked_order(buyer_name="张三丰", buyer_phone="+8613812345678"), warehouse)
    assert label_files.label_data(parcel, carrier).privacy is True
    text = pdf_checks.text(open(parcel.label_pdf_path, "rb").read())
    assert "张**" in text and "138****5678" in text
    assert "张三丰" not in text and "13812345678" not in text
    assert "张三丰" not in parcel.label_zpl and "138****5678" not in parcel.label_zpl  # ZPL text is drawn


@needs_poppler
def test_a_warehouse_that_turns_privacy_off_prints_the_buyer_whole(carrier, warehouse):
    warehouse.privacy_labels = False
    db.session.commit()
    parcel = sealed(picked_order(buyer_name="张三丰", buyer_phone="+8613812345678"), warehouse)
    text = pdf_checks.text(open(parcel.label_pdf_path, "rb").read())
    assert "张三丰" in text and "13812345678" in text


@needs_poppler
def test_the_sort_code_and_package_centre_come_from_the_carriers_answer(carrier, warehouse):
    parcel = sealed(picked_order(province="上海市", city="上海市", district="浦东新区", address="张江路 1 号"), warehouse)
    assert parcel.sort_code.startswith("上海 021-") and parcel.package_centre == "上海转运中心 P021"
    text = "".join(pdf_checks.text(open(parcel.label_pdf_path, "rb").read()).split())
    assert parcel.sort_code.replace(" ", "") in text and "集包地上海转运中心P021" in text
    assert "上海市上海市" not in parcel.sort_code  # the old sandbox's doubled city


def test_a_carriers_own_sender_settings_win_field_by_field(app, sandbox, warehouse):
    carrier = make_carrier("SF", settings=sandbox.settings(timeout_s=5, sender={"name": "某某旗舰店", "phone": ""}))
    parcel = sealed(picked_order(), warehouse)
    label = label_files.label_data(parcel, carrier)
    assert (label.sender.name, label.sender.phone, label.sender.address) == (
        "某某旗舰店", "0571-88886666", "浙江省杭州市余杭区文一西路 1500 号 3 号库")


def test_an_order_without_an_allocation_ships_from_the_first_active_warehouse(carrier, warehouse):
    make_warehouse("OLD", name="旧仓", priority=1, active=False)
    make_warehouse("SH2", name="上海二号仓", priority=5, sender_name="上海二号仓 发货组", phone="021-58586666")
    parcel = sealed(picked_order())
    assert label_files.label_data(parcel, carrier).sender.name == "上海二号仓 发货组"


def test_the_service_printed_is_the_product_the_request_names(carrier, warehouse):
    parcel = sealed(picked_order(), warehouse)
    assert label_files.label_data(parcel, carrier).service == "标准快递"
    carrier.settings = {**carrier.settings, "exp_type": "顺丰特快"}
    db.session.commit()
    assert label_files.label_data(parcel, db.session.get(Carrier, carrier.id)).service == "顺丰特快"


def test_kuaidi100_answers_without_a_bulkpen_print_the_destination_sorting_code():
    assert sort_code({"bulkpen": "杭州 571-R8", "destSortingCode": "571-71"}) == "杭州 571-R8"
    assert sort_code({"destSortingCode": "300-W10", "destSortingName": "杭州分拨中心"}) == "300-W10 杭州分拨中心"
    assert sort_code({}) == "" and package_centre({}) == ""
    assert package_centre({"pkgName": "杭州转运中心", "pkgCode": "P571"}) == "杭州转运中心 P571"
    assert package_centre({"pkgCode": "P571"}) == "P571"
