"""What the file plan's fast path remembers across orders (a country or currency cell's code, a
line's SKU and name as one shared text) never changes what it gives: the same record as
to_record + validate_record, or stepping aside for a cell it cannot read, however often the
cell repeats."""
from datetime import timedelta, timezone

from wms.imports import file_plan, mapping, order_group, validation

SHANGHAI = timezone(timedelta(hours=8))
HEADERS = mapping.template_headers("zh")
COLUMNS = mapping.guess_mapping(HEADERS)
ORDINARY = {"external_id": "A1", "ordered_at": "2026-11-20 10:30:00", "buyer_name": "张三", "country": "CN",
            "currency": "CNY", "total": "99.00", "sku_code": "SKU-1", "name": "T恤", "qty": "1", "unit_price": "33.00"}


def row(**cells):
    values = {**ORDINARY, **cells}
    return [values.get(field, "") for field in mapping.FIELDS]


def read(rows):
    plan = file_plan.FilePlan(HEADERS, COLUMNS, SHANGHAI)
    return plan, list(plan.groups(list(enumerate(rows, start=2))))


def slow_path(group):
    record, problems = order_group.to_record(group, SHANGHAI)
    clean, errors = validation.validate_record(record)
    return None if problems or errors else clean


def test_a_country_or_currency_the_fast_path_cannot_read_steps_aside_every_time_it_repeats():
    rows = [row(external_id=f"A{n}", country="China", currency="yuan" if n % 2 else "CNY") for n in range(4)]
    plan, groups = read(rows)
    assert [plan.clean(g) for g in groups] == [None] * 4
    assert [slow_path(g) for g in groups] == [None] * 4   # and the slow path reports them


def test_a_code_written_in_several_ways_reads_the_same_on_every_order():
    cells = [("cn", " usd "), (" CN ", "USD"), ("", ""), ("cn", " usd "), ("", "")]
    rows = [row(external_id=f"A{n}", country=country, currency=currency) for n, (country, currency) in enumerate(cells)]
    plan, groups = read(rows)
    cleans = [plan.clean(g) for g in groups]
    assert [(c["country"], c["currency"]) for c in cleans] == [("CN", "USD"), ("CN", "USD"), ("CN", "CNY"),
                                                               ("CN", "USD"), ("CN", "CNY")]
    assert cleans == [slow_path(g) for g in read(rows)[1]]


def test_lines_naming_the_same_sku_share_one_text_and_their_records_are_unchanged():
    rows = [row(external_id="A1", sku_code=" SKU-7 ", name="T恤 "), row(external_id="A1", sku_code="SKU-7", name="T恤"),
            row(external_id="A2", sku_code="SKU-7", name="", qty="2")]
    plan, groups = read(rows)
    cleans = [plan.clean(g) for g in groups]
    lines = [line for clean in cleans for line in clean["lines"]]
    assert [(line["sku_code"], line["name"], line["qty"]) for line in lines] == [
        ("SKU-7", "T恤", 1), ("SKU-7", "T恤", 1), ("SKU-7", "", 2)]
    assert lines[0]["sku_code"] is lines[1]["sku_code"] is lines[2]["sku_code"]
    assert cleans == [slow_path(g) for g in read(rows)[1]]


def test_a_line_read_before_reads_the_same_into_a_line_of_its_own_and_an_unreadable_one_steps_aside_each_time():
    cells = dict(sku_code="'SKU-7", name=" T恤", qty="2", unit_price="9.9")
    rows = [row(external_id="A1", **cells), row(external_id="A2", **cells),
            row(external_id="A3", **{**cells, "qty": "0"}), row(external_id="A4", **{**cells, "qty": "0"})]
    plan, groups = read(rows)
    cleans = [plan.clean(g) for g in groups]
    assert cleans[0]["lines"] == cleans[1]["lines"] == [{"sku_code": "SKU-7", "name": "T恤", "qty": 2,
                                                         "unit_price_cents": 990, "list_price_cents": None}]
    assert cleans[0]["lines"][0] is not cleans[1]["lines"][0]   # a record's lines are its own to change
    assert cleans[2:] == [None, None]
    assert cleans == [slow_path(g) for g in read(rows)[1]]
