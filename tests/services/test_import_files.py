"""File imports through the job: encodings, XLSX, template, Shopify, saved mappings, a separate
lines file, rejected rows with row + field + reason, the report, progress."""
import csv

import pytest
from sqlalchemy import func, select

from tests.builders import make_channel, make_sku
from tests.builders_imports import TEMPLATE_ZH, chinese_orders_csv, csv_text, no_review  # noqa: F401
from wms.extensions import db
from wms.imports import file_run, file_upload, models
from wms.orders.models import Order, OrderLine

pytestmark = pytest.mark.usefixtures("no_review")


@pytest.fixture
def channel(app):
    make_sku("SKU-1", barcodes=("6900000000002",))
    return make_channel()


def run(channel, path, **kwargs):
    job = file_upload.create_file_job(channel.id, path, **kwargs)
    return file_run.run_file_import(job.id)


def orders():
    return {o.external_id: o for o in db.session.scalars(select(Order)).all()}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_an_order_file_in_utf8_bom_or_gbk_imports_the_same_chinese_orders(channel, tmp_path, encoding):
    path = tmp_path / "orders.csv"
    path.write_bytes(chinese_orders_csv().encode(encoding))
    job = run(channel, path)
    assert (job.status, job.created, job.failed, job.error_count) == ("done", 2, 0, 0)
    a1 = orders()["A1"]
    assert (a1.buyer_name, a1.city, a1.total_cents) == ("张三", "杭州市", 9900)
    assert [(l.sku_code, l.qty, l.unit_price_cents, l.sku_id) for l in a1.lines] == [
        ("SKU-1", 2, 3300, 1), ("6900000000002", 1, 3300, 1)]
    assert a1.buyer_remark == "<script>alert(1)</script>"
    assert a1.ordered_at.isoformat() == "2026-11-20T02:30:00"  # 10:30 in Shanghai, stored as UTC


def test_an_xlsx_export_imports_like_a_csv(channel, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in csv.reader(chinese_orders_csv().splitlines()):
        sheet.append([int(c) if c.isdigit() and len(c) > 9 else c for c in row])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    job = run(channel, path)
    assert (job.created, job.failed) == (2, 0)
    assert orders()["A2"].buyer_phone == "+8613900139000"   # E.164 (wms.contacts)


def test_our_downloadable_template_imports_as_it_is(channel, tmp_path):
    for language in ("en", "zh"):
        path = tmp_path / f"template-{language}.csv"
        path.write_bytes(file_upload.template_csv(language))
        job = run(channel, path)
        assert (job.created + job.unchanged, job.failed) == (1, 0), job.errors
    order = orders()["A1001"]
    assert [l.sku_code for l in order.lines] == ["SKU-1", "SKU-2"] and order.total_cents == 9900


SHOPIFY_HEADERS = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
                   "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
                   "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
                   "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
                   "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
                   "Shipping Name", "Shipping Street", "Shipping Address1", "Shipping Address2", "Shipping Company",
                   "Shipping City", "Shipping Zip", "Shipping Province", "Shipping Country", "Shipping Phone",
                   "Notes", "Note Attributes", "Cancelled at", "Payment Method", "Refunded Amount", "Vendor", "Id",
                   "Tags", "Risk Level", "Source", "Phone"]


def shopify_row(**cells):
    return [cells.get(h, "") for h in SHOPIFY_HEADERS]


def shopify_export():
    return csv_text(SHOPIFY_HEADERS, [
        shopify_row(**{"Name": "#1001", "Email": "wang@example.com", "Financial Status": "paid",
                       "Paid at": "2026-11-20 10:31:05 +0800", "Fulfillment Status": "unfulfilled",
                       "Currency": "CNY", "Subtotal": "129.90", "Shipping": "0.00", "Taxes": "0.00",
                       "Total": "129.90", "Created at": "2026-11-20 10:30:00 +0800", "Lineitem quantity": "2",
                       "Lineitem name": "T恤 - 白 / M", "Lineitem price": "49.95", "Lineitem sku": "SKU-1",
                       "Lineitem requires shipping": "true", "Billing Name": "王芳",
                       "Shipping Name": "王芳", "Shipping Street": "南京西路 1266 号 恒隆广场 10 楼",
                       "Shipping Address1": "南京西路 1266 号", "Shipping Address2": "恒隆广场 10 楼",
                       "Shipping City": "上海", "Shipping Zip": "'200040", "Shipping Province": "SH",
                       "Shipping Country": "CN", "Shipping Phone": "+86 138 0013 8000", "Notes": "请尽快发货",
                       "Id": "5123456789012", "Tags": "VIP, 复购", "Source": "web"}),
        shopify_row(**{"Name": "#1001", "Lineitem quantity": "1", "Lineitem name": "袜子",
                       "Lineitem price": "30.00", "Lineitem sku": "6900000000002"}),
        shopify_row(**{"Name": "#1002", "Email": "li@example.com", "Financial Status": "pending",
                       "Currency": "CNY", "Total": "30.00", "Created at": "2026-11-21 09:00:00 +0800",
                       "Lineitem quantity": "1", "Lineitem name": "袜子", "Lineitem price": "30.00",
                       "Lineitem sku": "SKU-1", "Shipping Name": "李雷", "Shipping Street": "天河路 385 号",
                       "Shipping City": "广州", "Shipping Country": "CN", "Id": "5123456789013"}),
    ])


def test_a_shopify_orders_export_is_recognised_and_imported_one_order_per_name(channel, tmp_path):
    path = tmp_path / "orders_export_1.csv"
    path.write_text(shopify_export(), encoding="utf-8")
    job = run(channel, path)
    assert (job.created, job.held, job.failed) == (1, 1, 0), job.errors
    assert job.preset == "shopify"
    first = orders()["5123456789012"]
    assert (first.buyer_name, first.buyer_email, first.total_cents, first.postcode) == (
        "王芳", "wang@example.com", 12990, "200040")
    assert first.address == "南京西路 1266 号 恒隆广场 10 楼" and first.tags == ["VIP", "复购"]
    assert [(l.sku_code, l.qty, l.unit_price_cents) for l in first.lines] == [("SKU-1", 2, 4995),
                                                                            ("6900000000002", 1, 3000)]
    assert first.ordered_at.isoformat() == "2026-11-20T02:30:00"
    pending = orders()["5123456789013"]
    assert (pending.payment_status, pending.status, pending.hold_codes) == ("pending", "on_hold", ["payment"])


def test_a_custom_mapping_is_saved_for_the_channel_and_offered_for_the_next_file(channel, tmp_path, app):
    from werkzeug.datastructures import FileStorage

    headers = ["单号", "客户", "货号", "件数"]
    body = csv_text(headers, [["X1", "赵六", "SKU-1", "3"]]).encode()
    path = tmp_path / "a.csv"
    path.write_bytes(body)
    columns = {"external_id": "单号", "buyer_name": "客户", "sku_code": "货号", "qty": "件数"}
    job = file_upload.stage_upload(channel.id, FileStorage(open(path, "rb"), filename="a.csv"))
    file_upload.start_file_import(job.id, columns)
    assert file_upload.get_job(job.id).created == 1 and orders()["X1"].lines[0].qty == 3
    assert file_upload.saved_mapping(channel.id) == columns
    again = file_upload.stage_upload(channel.id, FileStorage(open(path, "rb"), filename="b.csv"))
    assert file_upload.mapping_screen(again.id)["mapping"] == columns
    other = make_channel("other")
    fresh = file_upload.stage_upload(other.id, FileStorage(open(path, "rb"), filename="c.csv"))
    assert file_upload.mapping_screen(fresh.id)["mapping"] != columns


def test_lines_in_a_separate_file_are_joined_by_order_number_in_any_order(channel, tmp_path):
    orders_path, lines_path = tmp_path / "orders.csv", tmp_path / "lines.csv"
    orders_path.write_text(csv_text(["订单号", "收件人", "订单金额"], [["A1", "张三", "99.00"], ["A2", "李四", "10"]]))
    lines_path.write_text(csv_text(["订单号", "商品编码", "数量"], [
        ["A2", "SKU-1", "1"], ["A1", "SKU-1", "2"], ["ZZ", "SKU-1", "1"], ["A1", "6900000000002", "1"]]))
    job = run(channel, orders_path, lines_path=lines_path)
    assert (job.created, job.failed) == (2, 0)
    assert [(l.sku_code, l.qty) for l in orders()["A1"].lines] == [("SKU-1", 2), ("6900000000002", 1)]
    assert [(e["row"], e["order"], e["field"]) for e in job.errors] == [(4, "ZZ", "external_id")]


def test_bad_rows_are_reported_with_row_field_and_reason_and_nothing_of_their_order_is_imported(channel, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(csv_text(TEMPLATE_ZH, [
        ["A1", "2026-11-20 10:30", "张三", "13800138000", "", "", "", "", "99.00", "", "SKU-1", "", "2", "33.00"],
        ["A1", "", "", "", "", "", "", "", "", "", "SKU-1", "", "两", "33.00"],
        ["A2", "not a date", "李四", "", "", "", "", "", "9.999", "", "SKU-1", "", "1", "1"],
        ["A3", "", "王五", "", "", "", "", "", "1", "", "", "", "1", "1"],
        ["A4", "", "赵六", "", "", "", "", "", "1", "", "SKU-1", "", "1", "1"],
    ]), encoding="utf-8")
    job = run(channel, path)
    assert (job.created, job.failed) == (2, 2)
    assert set(orders()) == {"A3", "A4"}   # A3's line has no SKU: imported and flagged, never dropped
    assert db.session.scalar(select(func.count(OrderLine.id))) == 2
    rows = [(e["row"], e["order"], e["outcome"], e["field"], e["column"], e["reason"]) for e in job.errors]
    assert rows == [
        (3, "A1", "rejected", "qty", "数量", "Not a valid integer."),
        (4, "A2", "rejected", "ordered_at", "下单时间", "Not a valid datetime."),
        (4, "A2", "rejected", "total", "订单金额", "Not an amount of money (write it like 99.00)."),
        (5, "A3", "created", "sku_code", "商品编码", "No SKU on this line: imported, the order is flagged."),
    ]
    report = list(csv.reader(file_upload.report_path(job.id).read_text(encoding="utf-8-sig").splitlines()))
    assert report[0] == ["row", "order", "outcome", "field", "column", "reason"]
    assert report[1:] == [[str(r[0]), *r[1:]] for r in rows[:4]] + [["6", "A4", "created", "", "", ""]]


def test_a_reimported_file_is_unchanged_and_a_changed_one_updates(channel, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(chinese_orders_csv(), encoding="utf-8")
    run(channel, path)
    again = run(channel, path)
    assert (again.created, again.unchanged, again.updated) == (0, 2, 0)
    path.write_text(chinese_orders_csv().replace("科技园 1 号", "科技园 2 号"), encoding="utf-8")
    changed = run(channel, path)
    assert (changed.unchanged, changed.updated) == (1, 1)
    assert orders()["A2"].address == "科技园 2 号" and db.session.scalar(select(func.count(Order.id))) == 2


def test_the_import_rows_of_the_timeline_name_the_file_in_the_readers_language(channel, tmp_path):
    from wms.i18n import event_text

    path = tmp_path / "orders.csv"
    path.write_text(chinese_orders_csv(), encoding="utf-8")
    run(channel, path)
    path.write_text(chinese_orders_csv().replace("科技园 1 号", "科技园 2 号"), encoding="utf-8")
    run(channel, path)
    imported, updated = orders()["A2"].events
    assert [(e.reason, event_text(e, "zh_CN")) for e in (imported, updated)] == [
        ("Imported from file orders.csv", "从 文件 orders.csv 导入"),
        ("Updated by import from file orders.csv: address", "从 文件 orders.csv 导入时更新：address")]


def test_an_order_repeated_apart_in_the_file_is_imported_once_and_its_repeat_reported(channel, tmp_path, monkeypatch):
    from wms.imports import services

    monkeypatch.setattr(services, "CHUNK", 1)
    path = tmp_path / "orders.csv"
    path.write_text(csv_text(["订单号", "商品编码"], [["A1", "SKU-1"], ["A2", "SKU-1"], ["A1", "SKU-1"]]))
    job = run(channel, path)
    assert (job.created, job.duplicate, job.failed) == (2, 1, 0)
    assert (job.errors[0]["row"], job.errors[0]["outcome"]) == (4, "duplicate")
    assert job.errors[0]["reason"] == "Repeats order A1 of row 2: imported once."
    assert len(orders()["A1"].lines) == 1


def test_the_job_reports_progress_per_chunk_and_announces_the_end(channel, tmp_path, monkeypatch, published):
    from tests.builders import make_user
    from wms.imports import services

    monkeypatch.setattr(services, "CHUNK", 1)
    user = make_user("reviewer")
    path = tmp_path / "orders.csv"
    path.write_text(chinese_orders_csv(), encoding="utf-8")
    job = run(channel, path, actor=user)
    assert (job.status, job.percent, job.rows_total, job.rows_done, job.orders_done) == ("done", 100, 3, 4, 2)
    progress = [e["payload"] for e in published if e["event"] == "import.progress"]
    assert [p["orders_done"] for p in progress] == [1, 2] and progress[0]["percent"] < 100
    assert published[-1]["event"] == "import.finished" and published[-1]["room"] == f"user:{user.id}"


def test_an_unreadable_file_fails_the_job_with_a_clear_message(channel, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("订单号,订单号\nA1,A2\n", encoding="utf-8")
    job = run(channel, path, columns={"external_id": "订单号", "sku_code": "订单号"})
    assert job.status == models.FAILED and "Duplicate column headers" in job.message
    assert db.session.scalar(select(func.count(Order.id))) == 0
