"""Finance review's facts come in with every order: a file's `Cash on delivery` / 货到付款,
`Invoice requested` / 需要发票 (or an invoice title, 发票抬头) and line `List price` / 原价 columns,
and the order API's `cash_on_delivery`, `invoice_requested` and line `list_price_cents`; a store
with finance review on holds the COD order for finance. A re-import that does not say them keeps
what review and finance relied on. (Runs on PostgreSQL too, where a file's orders go through COPY:
TEST_DATABASE_URL=postgresql://... .)"""
import pytest
from sqlalchemy import select

from tests.builders import make_sku
from tests.builders_finance import finance_channel
from tests.builders_imports import TEMPLATE_ZH, csv_text, no_review, record  # noqa: F401
from wms.extensions import db
from wms.finance.models import FinanceCheck
from wms.imports import file_run, file_upload, services
from wms.orders.models import Order
from wms.review import services as review

pytestmark = pytest.mark.usefixtures("no_review")

ROW = ["2026-11-20 10:30", "张三", "13800138000", "浙江省", "杭州市", "西湖区", "文三路 90 号", "99.00", ""]


@pytest.fixture(autouse=True)
def no_allocation(monkeypatch):
    monkeypatch.setattr("wms.review.actions.allocate_after_commit", lambda ids: None)


def api_record(external_id, lines=None, **fields):
    """A record of the order API; `lines` as JSON line objects."""
    made = record(external_id, **fields)
    if lines is not None:
        made["lines"] = lines
    return made


def by_number():
    db.session.expire_all()
    return {o.external_id: o for o in db.session.scalars(select(Order)).all()}


def import_file(tmp_path, channel, headers, rows, name="orders.csv"):
    path = tmp_path / name
    path.write_text(csv_text(headers, rows), encoding="utf-8")
    return file_run.run_file_import(file_upload.create_file_job(channel.id, path).id)


def test_a_files_columns_carry_cod_invoice_and_list_price_and_finance_holds_the_cod_order(app, tmp_path):
    make_sku("SKU-1")
    channel = finance_channel()
    headers = TEMPLATE_ZH + ["货到付款", "发票抬头", "原价"]
    job = import_file(tmp_path, channel, headers, [
        ["COD1", *ROW, "SKU-1", "T恤", "1", "99.00", "是", "", "99.00"],
        ["INV1", *ROW, "SKU-1", "T恤", "1", "99.00", "否", "杭州某某科技有限公司", ""],
        ["PLAIN", *ROW, "SKU-1", "T恤", "1", "99.00", "", "", ""],
        ["DISC", *ROW, "SKU-1", "T恤", "1", "30.00", "0", "否", "100.00"],
    ])
    assert (job.created, job.failed) == (4, 0)
    orders = by_number()
    facts = {n: (o.cash_on_delivery, o.invoice_requested, [l.list_price_cents for l in o.lines])
             for n, o in orders.items()}
    assert facts == {"COD1": (True, False, [9900]), "INV1": (False, True, [None]), "PLAIN": (False, False, [None]),
                     "DISC": (False, False, [10000])}
    review.review_orders([o.id for o in orders.values()])
    orders = by_number()
    assert {n: o.status for n, o in orders.items()} == {
        "COD1": "finance_review", "INV1": "finance_review", "PLAIN": "approved", "DISC": "finance_review"}
    reasons = {orders[n].id: [r["code"] for r in c.reasons]
               for c in db.session.scalars(select(FinanceCheck)).all() for n in orders if orders[n].id == c.order_id}
    assert reasons == {orders["COD1"].id: ["finance_cod"], orders["INV1"].id: ["finance_invoice"],
                       orders["DISC"].id: ["finance_discount"]}


def test_english_headers_and_yes_no_words_are_read(app, tmp_path):
    make_sku("SKU-1")
    channel = finance_channel()
    headers = ["Order number", "SKU", "Quantity", "Unit price", "Cash on delivery", "Invoice requested", "List price"]
    job = import_file(tmp_path, channel, headers, [["E1", "SKU-1", "1", "50.00", "Yes", "no", "80"],
                                                   ["E2", "SKU-1", "1", "50.00", "false", "TRUE", ""]])
    assert (job.created, job.failed) == (2, 0)
    orders = by_number()
    assert (orders["E1"].cash_on_delivery, orders["E1"].invoice_requested) == (True, False)
    assert (orders["E2"].cash_on_delivery, orders["E2"].invoice_requested) == (False, True)
    assert orders["E1"].lines[0].list_price_cents == 8000


def test_a_cod_cell_that_is_not_yes_or_no_refuses_that_order_only_and_names_the_column(app, tmp_path):
    make_sku("SKU-1")
    channel = finance_channel()
    headers = TEMPLATE_ZH + ["货到付款", "原价"]
    job = import_file(tmp_path, channel, headers, [["B1", *ROW, "SKU-1", "T恤", "1", "99.00", "也许", ""],
                                                   ["B2", *ROW, "SKU-1", "T恤", "1", "99.00", "否", "abc"],
                                                   ["B3", *ROW, "SKU-1", "T恤", "1", "99.00", "是", ""]])
    assert (job.created, job.failed) == (1, 2)
    assert set(by_number()) == {"B3"}
    fields = {e["field"] for e in job.errors}
    assert {"cash_on_delivery", "list_price"} <= fields, job.errors


def test_the_order_api_takes_the_flags_and_list_prices_and_refuses_a_word_for_a_boolean(app):
    make_sku("SKU-1")
    channel = finance_channel()
    good = api_record("API1", cash_on_delivery=True, invoice_requested=True,
                  lines=[{"sku_code": "SKU-1", "qty": 1, "unit_price_cents": 3300, "list_price_cents": 9900}])
    bad = record("API2", cash_on_delivery="yes")
    negative = api_record("API3", lines=[{"sku_code": "SKU-1", "qty": 1, "list_price_cents": -1}])
    result = services.import_order_records(channel.id, [good, bad, negative], source="the order API")
    assert (result.created, result.failed) == (1, 2)
    orders = by_number()
    assert set(orders) == {"API1"}
    assert (orders["API1"].cash_on_delivery, orders["API1"].invoice_requested) == (True, True)
    assert orders["API1"].lines[0].list_price_cents == 9900
    errors = [e for r in result.results for e in r.errors]
    assert {"field": "cash_on_delivery", "reason": "Not a valid boolean."} in errors
    assert any(e["field"] == "lines.0.list_price_cents" for e in errors)


def test_a_reimport_that_does_not_say_the_facts_keeps_them_and_one_that_sets_them_is_on_the_timeline(app, tmp_path):
    make_sku("SKU-1")
    channel = finance_channel()
    first = api_record("R1", cash_on_delivery=True, invoice_requested=True,
                   lines=[{"sku_code": "SKU-1", "qty": 1, "unit_price_cents": 3300, "list_price_cents": 9900}])
    services.import_order_records(channel.id, [first, record("R2")], source="the order API")
    again = api_record("R1", lines=[{"sku_code": "SKU-1", "qty": 1, "unit_price_cents": 3300}])
    result = services.import_order_records(channel.id, [again, record("R2", cash_on_delivery=True)],
                                           source="the order API")
    assert [r.outcome for r in result.results] == ["unchanged", "updated"]
    orders = by_number()
    assert (orders["R1"].cash_on_delivery, orders["R1"].invoice_requested) == (True, True)
    assert orders["R1"].lines[0].list_price_cents == 9900
    assert orders["R2"].cash_on_delivery is True
    assert "cash_on_delivery" in orders["R2"].events[-1].reason


def test_a_reimport_changing_a_line_keeps_its_list_price_when_the_file_gives_none(app):
    make_sku("SKU-1")
    channel = finance_channel()
    services.import_order_records(channel.id, [api_record("L1", lines=[
        {"sku_code": "SKU-1", "qty": 1, "unit_price_cents": 3300, "list_price_cents": 9900}])], source="the order API")
    result = services.import_order_records(channel.id, [api_record("L1", lines=[
        {"sku_code": "SKU-1", "qty": 2, "unit_price_cents": 3300}])], source="the order API")
    assert [r.outcome for r in result.results] == ["updated"]
    line = by_number()["L1"].lines[0]
    assert (line.qty, line.list_price_cents) == (2, 9900)
