"""Re-importing a file is a no-op: values compare normalised, and what the system derived (address
parts review filled in, the E.164 phone) is never overwritten by an empty or raw cell."""
import pytest
from sqlalchemy import select

from tests.builders import make_channel, make_sku
from tests.builders_exports import snapshot
from tests.builders_imports import TEMPLATE_ZH, csv_text, no_review  # noqa: F401
from wms.extensions import db
from wms.imports import file_run, file_upload
from wms.orders.models import Order

pytestmark = pytest.mark.usefixtures("no_review")


def run(channel, path):
    return file_run.run_file_import(file_upload.create_file_job(channel.id, path).id)


def test_a_second_import_keeps_the_address_parts_review_filled_and_the_normalised_phone(app, tmp_path):
    make_sku("SKU-1")
    channel = make_channel()
    path = tmp_path / "orders.csv"
    path.write_text(csv_text(TEMPLATE_ZH, [
        ["A1", "2026-11-20 10:30", "张三", "'138 0013 8000", "", "", "", "文三路 90 号", "33.00", "", "SKU-1", "T恤",
         "1", "33.00"]]), encoding="utf-8")
    assert run(channel, path).created == 1
    order = db.session.scalar(select(Order))
    assert order.buyer_phone == "+8613800138000"
    order.province, order.city, order.district, order.postcode = "浙江省", "杭州市", "西湖区", "310012"   # review
    db.session.commit()
    before = snapshot(db.session)
    again = run(channel, path)
    assert (again.unchanged, again.updated, again.created) == (1, 0, 0)
    db.session.expire_all()
    assert snapshot(db.session) == before


def test_a_one_field_address_is_split_on_the_way_in_and_the_same_file_again_changes_nothing(app, tmp_path):
    make_sku("SKU-1")
    channel = make_channel()
    path = tmp_path / "orders.csv"
    path.write_text(csv_text(TEMPLATE_ZH, [
        ["B1", "", "李四", "86 139 1234 5678", "", "", "", "广东省 深圳市 南山区 科技园 1 号 (518057)", "10", "",
         "SKU-1", "", "1", "10"]]), encoding="utf-8")
    run(channel, path)
    order = db.session.scalar(select(Order))
    assert (order.province, order.city, order.district, order.postcode, order.buyer_phone) == (
        "广东省", "深圳市", "南山区", "518057", "+8613912345678")
    assert "科技园 1 号" in order.address and "深圳" not in order.address
    assert run(channel, path).unchanged == 1
