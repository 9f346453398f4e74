"""Pure import rules: mappings, Shopify recognition, grouping rows, money, and the fast validator
agreeing with the marshmallow contract."""
from datetime import datetime, timedelta, timezone

import pytest

from wms.imports import cells, file_plan, mapping, order_group, validation
from wms.imports.schemas import OrderRecordSchema, schema_errors

SHANGHAI = timezone(timedelta(hours=8))


def test_our_template_headers_are_recognised_in_english_and_chinese():
    for language in ("en", "zh"):
        headers = mapping.template_headers(language)
        guessed = mapping.guess_mapping(headers)
        assert set(guessed) == set(mapping.FIELDS)
        assert mapping.check_mapping(guessed, headers) == []


def test_a_shopify_export_is_recognised_by_its_headers_and_keyed_by_its_order_id():
    headers = ["Name", "Email", "Financial Status", "Lineitem quantity", "Lineitem name", "Lineitem price",
               "Lineitem sku", "Shipping Name", "Shipping Street", "Shipping Zip", "Id", "Total"]
    assert mapping.is_shopify_export(headers)
    guessed = mapping.guess_mapping(headers)
    assert guessed["external_id"] == "Id"
    assert guessed["sku_code"] == "Lineitem sku" and guessed["qty"] == "Lineitem quantity"
    assert not mapping.is_shopify_export(mapping.template_headers())


def test_common_chinese_export_headers_are_guessed():
    guessed = mapping.guess_mapping(["订单编号", "收货人", "联系电话", "收货地址", "商家编码", "购买数量"])
    assert guessed == {"external_id": "订单编号", "buyer_name": "收货人", "buyer_phone": "联系电话",
                       "address": "收货地址", "sku_code": "商家编码", "qty": "购买数量"}


def test_a_mapping_naming_a_missing_column_or_lacking_the_order_number_is_refused():
    problems = mapping.check_mapping({"buyer_name": "Nope"}, ["Order", "SKU"])
    assert ("buyer_name", "Column 'Nope' is not in the file.") in problems
    assert ("external_id", "Map a column to this field.") in problems


def test_rows_of_one_order_fold_into_one_order_with_one_line_per_row():
    headers = ["no", "buyer", "sku", "qty"]
    rows = [(2, ["A1", "张三", "S1", "2"]), (3, ["A1", "", "S2", "1"]), (4, ["", "", "S3", "1"]),
            (5, ["A2", "李四", "S1", "1"])]
    cols = {"external_id": "no", "buyer_name": "buyer", "sku_code": "sku", "qty": "qty"}
    first, second = file_plan.read_orders(headers, rows, cols)
    assert first.external_id == "A1" and first.rows == [2, 3, 4]
    assert first.fields == {"buyer_name": "张三"}
    assert [(n, line["sku_code"]) for n, line in first.lines] == [(2, "S1"), (3, "S2"), (4, "S3")]
    assert second.external_id == "A2" and second.fields["buyer_name"] == "李四"


@pytest.mark.parametrize("text, cents", [("99.00", 9900), ("99", 9900), ("¥1,299.5", 129950), ("0.01", 1),
                                         ("0.1", 10), ("19.999", None), ("abc", None), ("", None)])
def test_yuan_become_cents_exactly(text, cents):
    assert cells.yuan_to_cents(text) == cents


def test_file_times_without_an_offset_are_warehouse_time_and_shopify_offsets_are_honoured():
    assert cells.parse_datetime("2026/11/20 10:30", SHANGHAI) == datetime(2026, 11, 20, 2, 30)
    assert cells.parse_datetime("2026-11-20 10:30:00 +0800", None) == datetime(2026, 11, 20, 2, 30)
    assert cells.parse_datetime("yesterday", SHANGHAI) is None


def test_a_grouped_order_becomes_a_record_and_unreadable_cells_are_reported_by_row():
    group = order_group.OrderGroup("A1", 2)
    group.fields.update(total="99.00", tags="VIP，加急", payment_status="已付款", country="cn")
    group.lines += [(2, {"sku_code": "S1", "qty": "2", "unit_price": "33.00"}), (3, {"sku_code": "S2", "qty": "two"})]
    record, problems = order_group.to_record(group)
    assert record["total_cents"] == 9900 and record["tags"] == ["VIP", "加急"]
    assert record["payment_status"] == "paid" and record["country"] == "CN"
    assert record["lines"][0] == {"sku_code": "S1", "qty": 2, "unit_price_cents": 3300}
    assert problems == [(3, "qty", validation.NOT_INTEGER)]


VALID = {"external_id": "A1", "lines": [{"sku_code": "S1"}]}
CASES = [
    VALID,
    {**VALID, "ordered_at": "2026-11-20T10:30:00+08:00", "tags": ["a"], "carrier_code": None, "extra": 1},
    {},
    {"external_id": "  ", "lines": []},
    {"external_id": 5, "lines": "x"},
    {**VALID, "total_cents": -1, "currency": "yuan", "country": "China", "payment_status": "free"},
    {**VALID, "total_cents": "99.00", "priority": 1.5, "buyer_email": "not-an-email"},
    {**VALID, "ordered_at": "tomorrow", "tags": ["ok", 3, "x" * 41]},
    {**VALID, "buyer_name": None, "address": "x" * 501, "ordered_at": None},
    {**VALID, "lines": [{"qty": 0, "unit_price_cents": -5}, "x", {"sku_code": "S", "qty": True}]},
    {**VALID, "country": "", "currency": ""},
    {**VALID, "external_id": "x" * 65},
]


@pytest.mark.parametrize("record", CASES)
def test_the_fast_validator_agrees_with_the_marshmallow_contract(record):
    _clean, fast = validation.validate_record(record)
    assert sorted(fast) == sorted(schema_errors(record))


def test_the_fast_validator_fills_the_same_defaults_as_the_schema():
    clean, errors = validation.validate_record(VALID)
    loaded = OrderRecordSchema().load(VALID)
    assert errors == [] and clean == loaded
    assert clean["country"] == "CN" and clean["currency"] == "CNY" and clean["lines"][0]["qty"] == 1


def test_clean_records_hold_naive_utc_times():
    clean, _ = validation.validate_record({**VALID, "ordered_at": "2026-11-20T10:30:00+08:00"})
    assert clean["ordered_at"] == datetime(2026, 11, 20, 2, 30)
