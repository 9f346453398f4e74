"""The compiled file plan's fast path gives exactly the record that to_record + validate_record
give, or steps aside (None) so that they decide and report the problem."""
import random
from datetime import datetime, timedelta, timezone

from wms.imports import file_plan, mapping, order_group, validation
from wms.imports.cells import parse_datetime

SHANGHAI = timezone(timedelta(hours=8))
HEADERS = mapping.template_headers("zh")
COLUMNS = mapping.guess_mapping(HEADERS)

# Cell texts per field: ordinary ones first, then odd ones the fast path must get right or leave alone.
CELLS = {
    "external_id": ["A1", " A2 ", "x" * 64, "x" * 65, "   "],
    "ordered_at": ["2026-11-20 10:30:00", "2026/11/20 10:30", "2026-11-20 10:30:00 +0800", "tomorrow", ""],
    "buyer_name": ["张三", " 李四 ", "x" * 120, "x" * 121, "  ", ""],
    "buyer_phone": ["13800138000", "+86 138 0013 8000", "1" * 41, ""],
    "buyer_email": ["", "wang@example.com", " li@example.com ", "not-an-email", "x@" + "y" * 260 + ".cn"],
    "country": ["CN", "cn", " us ", "China", "  ", ""],
    "province": ["浙江省", "x" * 61, ""],
    "city": ["杭州市", ""],
    "district": ["西湖区", ""],
    "address": ["文三路 90 号", "x" * 501, ""],
    "postcode": ["310012", "'200040", "' 200040", "'" + "1" * 21, ""],
    "total": ["99.00", "99", "0.1", "¥1,299.5", "19.999", "-5", "abc", "٣٣", "1_000", ""],
    "currency": ["CNY", "usd", "yuan", " ", ""],
    "payment_status": ["已付款", "paid", " Pending ", "free", ""],
    "buyer_remark": ["请尽快发货", "<script>alert(1)</script>", "x" * 2001, ""],
    "seller_note": ["", "备注"],
    "tags": ["", "VIP", "VIP，加急; 复购", "x" * 41, " , "],
    "priority": ["0", "3", " 2 ", "1.0", "1.5", "high", ""],
    "carrier_code": ["", "SF", "  ", "x" * 41],
    "presale_ship_from": ["", "2026-12-20", "2026/12/20 00:00", "someday"],
    "cash_on_delivery": ["", "是", "否", " yes ", "1", "货到付款", "perhaps"],
    "invoice_requested": ["", "否", "需要", "杭州某某科技有限公司", "0"],
    "sku_code": ["SKU-1", " SKU-2 ", "6900000000002", "x" * 65, "  ", ""],
    "name": ["T恤", "x" * 256, ""],
    "qty": ["1", "2", " 3 ", "0", "-1", "2.0", "two", ""],
    "unit_price": ["33.00", "33", "0.5", "33.", "-1", "abc", ""],
    "list_price": ["", "99.00", "100", "-1", "abc"],
}


def row(rng, odd, **fixed):
    cells = []
    for field in mapping.FIELDS:
        choices = CELLS[field]
        odd_cell = odd and rng.random() < 0.1
        cells.append(fixed[field] if field in fixed else (rng.choice(choices) if odd_cell else choices[0]))
    return cells


def slow_path(group):
    record, problems = order_group.to_record(group, SHANGHAI)
    clean, errors = validation.validate_record(record)
    return None if problems or errors else clean


def groups(rows):
    plan = file_plan.FilePlan(HEADERS, COLUMNS, SHANGHAI)
    return plan, list(plan.groups(list(enumerate(rows, start=2))))


def test_ordinary_orders_take_the_fast_path_and_get_the_same_record():
    rows = [row(None, False, external_id="A1"), row(None, False, external_id="A1", buyer_name="", total=""),
            row(None, False, external_id="A2", tags="VIP，加急", ordered_at="2026/11/20 10:30")]
    plan, found = groups(rows)
    cleans = [plan.clean(g) for g in found]
    assert None not in cleans
    assert cleans == [slow_path(g) for g in groups(rows)[1]]
    assert cleans[0]["ordered_at"] == datetime(2026, 11, 20, 2, 30) and len(cleans[0]["lines"]) == 2
    assert cleans[1]["tags"] == ["VIP", "加急"] and cleans[1]["total_cents"] == 9900


def test_for_any_cells_the_fast_path_agrees_with_to_record_and_validate_record_or_steps_aside():
    rng = random.Random(3)
    fast_taken = 0
    for case in range(3000):
        size = rng.randint(1, 3)
        rows = [row(rng, True, external_id=f"O{case}")] + [
            row(rng, True, external_id=rng.choice([f"O{case}", ""])) for _ in range(size - 1)]
        if rows[0] in rows[1:]:
            continue   # a row repeating its order's first row starts a repeated block (tested apart)
        plan, (group,) = groups(rows)
        _plan, (twin,) = groups(rows)
        fast = plan.clean(group)
        if fast is not None:
            fast_taken += 1
            assert fast == slow_path(twin), rows
    assert fast_taken > 300  # the odd cells did not make every case step aside


def test_an_order_without_lines_or_with_a_missing_order_number_steps_aside_to_be_reported():
    no_lines = row(None, False, external_id="A1", sku_code="", name="", qty="", unit_price="")
    plan, (group,) = groups([no_lines])
    assert plan.clean(group) is None
    assert validation.validate_record(order_group.to_record(group)[0])[1] == [("lines", validation.NO_LINES)]
    plan, (group,) = groups([row(None, False, external_id="")])
    assert plan.clean(group) is None and group.problems == [(2, "external_id", validation.MISSING)]


def test_a_group_whose_fields_were_read_or_edited_is_left_to_the_slow_path():
    plan, (group,) = groups([row(None, False)])
    group.lines.append((9, {"sku_code": "EXTRA"}))  # e.g. lines joined from a separate file
    assert plan.clean(group) is None
    assert [line["sku_code"] for line in slow_path(group)["lines"]] == ["SKU-1", "EXTRA"]


def test_warehouse_local_times_convert_to_utc_on_both_sides_of_a_daylight_saving_change():
    from zoneinfo import ZoneInfo

    new_york = ZoneInfo("America/New_York")
    for text in ("2026-03-08 01:30", "2026-03-08 03:30", "2026-11-01 01:30", "2026-11-01 02:30", "2026-07-01 12:00"):
        local = datetime.fromisoformat(text)
        expected = local.replace(tzinfo=new_york).astimezone(timezone.utc).replace(tzinfo=None)
        assert parse_datetime(text, new_york) == expected


def test_cells_beyond_a_short_row_read_as_empty_on_the_fast_path_too():
    short = row(None, False, external_id="A1")[:mapping.FIELDS.index("qty")]  # no qty / unit price cells
    plan, (group,) = groups([short])
    _plan, (twin,) = groups([short])
    fast = plan.clean(group)
    assert fast is not None and fast == slow_path(twin)
    assert fast["lines"][0]["qty"] == 1 and fast["lines"][0]["unit_price_cents"] == 0
