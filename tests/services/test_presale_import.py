"""Presales come in with their ship-from time: a file's `Presale ship date` / 预售发货日期 column,
the order API's `presale_ship_from`; their ship-by counts from it, and a bad date refuses the order."""
from datetime import datetime

import pytest
from sqlalchemy import select

from tests.builders import make_channel, make_sku
from tests.builders_imports import TEMPLATE_ZH, csv_text, no_review, record  # noqa: F401
from wms.extensions import db
from wms.imports import file_run, file_upload, services
from wms.orders.models import Order

pytestmark = pytest.mark.usefixtures("no_review")


def by_number():
    db.session.expire_all()
    return {o.external_id: o for o in db.session.scalars(select(Order)).all()}


def test_a_files_presale_column_gives_the_ship_from_time_in_warehouse_time(app, tmp_path):
    make_sku("SKU-1")
    channel = make_channel(ship_within_hours=48)
    path = tmp_path / "orders.csv"
    row = ["A1", "2026-11-20 10:30", "张三", "13800138000", "浙江省", "杭州市", "西湖区", "文三路 90 号", "99.00", "",
           "SKU-1", "T恤", "1", "99.00"]
    path.write_text(csv_text(TEMPLATE_ZH + ["预售发货日期"], [row + ["2026-12-20"], ["A2"] + row[1:] + [""]]),
                    encoding="utf-8")
    job = file_run.run_file_import(file_upload.create_file_job(channel.id, path).id)
    assert (job.created, job.failed) == (2, 0)
    orders = by_number()
    assert orders["A1"].presale_ship_from == datetime(2026, 12, 19, 16, 0)    # 00:00 in Shanghai
    assert orders["A1"].ship_by == datetime(2026, 12, 21, 16, 0)               # 48 h from the ship-from time
    assert orders["A2"].presale_ship_from is None
    assert orders["A2"].ship_by == datetime(2026, 11, 22, 2, 30)               # 48 h from payment


def test_a_presale_date_that_is_not_a_date_refuses_that_order_only(app, tmp_path):
    make_sku("SKU-1")
    channel = make_channel()
    path = tmp_path / "orders.csv"
    row = ["", "2026-11-20 10:30", "张三", "13800138000", "浙江省", "杭州市", "西湖区", "文三路 90 号", "99.00", "",
           "SKU-1", "T恤", "1", "99.00"]
    path.write_text(csv_text(TEMPLATE_ZH + ["Presale ship date"], [["B1"] + row[1:] + ["next spring"],
                                                                   ["B2"] + row[1:] + ["2026-12-20"]]),
                    encoding="utf-8")
    job = file_run.run_file_import(file_upload.create_file_job(channel.id, path).id)
    assert (job.created, job.failed) == (1, 1)
    assert set(by_number()) == {"B2"}


def test_the_order_api_takes_a_presale_ship_from_time(app):
    make_sku("SKU-1")
    channel = make_channel()
    result = services.import_order_records(channel.id, [record("P1", presale_ship_from="2026-12-20T00:00:00+08:00")],
                                           source="the order API")
    assert (result.created, result.failed) == (1, 0)
    assert by_number()["P1"].presale_ship_from == datetime(2026, 12, 19, 16, 0)


def test_a_presale_from_the_api_is_reviewed_approved_and_then_waits_out_of_allocation(app, monkeypatch):
    from tests.builders_inventory import make_bin, make_warehouse, put_stock
    from wms.imports import services as import_services

    monkeypatch.undo()   # this one runs the whole chain: review and allocation as jobs, inline
    sku = make_sku("SKU-1")
    put_stock(make_bin(make_warehouse()), sku, 5)
    channel = make_channel()
    result = import_services.import_order_records(
        channel.id, [record("P9", lines=(("SKU-1", 1, 3300),), total_cents=3300,
                            presale_ship_from="2099-01-01T00:00:00")], source="the order API")
    order = by_number()["P9"]
    assert result.created == 1 and order.status == "approved", [e.reason for e in order.events]
    assert order.presale_held_at is not None and order.presale_released_at is None
