"""COPY's text format (wms.imports.copy_text) and a file's orders encoded in it by the reader
(wms.imports.encoded_orders): whatever the values - tabs, newlines, backslashes, `\\N` as text,
NULL next to '' - a row reads back as exactly the values that went in."""
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wms.imports import copy_text, encoded_orders
from wms.imports.copy_text import ANY, BOOL, INT, TEXT, TIME, RowFormat

AWKWARD = ["", "a,b", 'say "hi"', "two\nlines", "tab\there", "back\\slash", "\\N", "\\", "\r\n", "收件人 王伟",
           "\\t", "ends with \\", " padded ", "\x0b\x0c\b"]
texts = st.one_of(st.sampled_from(AWKWARD), st.text(st.characters(blacklist_characters="\x00"), max_size=30))
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))


def read_back(fmt, line, kinds):
    readers = {TEXT: str, INT: int, BOOL: lambda v: v == "t", TIME: datetime.fromisoformat, ANY: datetime.fromisoformat}
    return [None if cell is None else readers[kind](cell) for cell, kind in zip(copy_text.parse_row(line), kinds)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([TEXT, INT, BOOL, TIME, ANY]), st.data()), min_size=1, max_size=8), st.data())
def test_any_row_reads_back_as_the_values_that_went_in(columns, data):
    kinds = [kind for kind, _ in columns]
    strategies = {TEXT: texts, INT: st.integers(), BOOL: st.booleans(), TIME: times, ANY: times}
    values = [data.draw(st.none() | strategies[kind]) for kind in kinds]
    line = RowFormat(kinds).row(values)
    assert "\n" not in line and "\r" not in line and line.count("\t") == len(kinds) - 1
    assert read_back(RowFormat(kinds), line, kinds) == values


def test_null_and_empty_text_and_the_text_backslash_n_are_three_different_fields():
    line = RowFormat([TEXT, TEXT, TEXT]).row([None, "", "\\N"])
    assert line == "\\N\t\t\\\\N"
    assert copy_text.parse_row(line) == [None, "", "\\N"]


def test_a_text_column_holding_a_number_is_written_as_its_digits_not_refused():
    assert RowFormat([TEXT, INT]).row([5, 6]) == "5\t6"


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError):
        RowFormat([TEXT, TEXT]).row(["only one"])


def record(**values):
    base = {name: None if kind == "datetime" else (0 if kind == "int" else ([] if kind == "tags" else
                                                                          (False if kind == "bool" else "")))
            for name, kind in encoded_orders._SPEC.items() if name != "lines"}
    base.update(external_id="T1", country="CN", currency="CNY", payment_status="paid",
                lines=[{"sku_code": "SKU-1", "name": "T恤", "qty": 2, "unit_price_cents": 990,
                        "list_price_cents": None}])
    base.update(values)
    return base


@settings(max_examples=200, deadline=None)
@given(texts, texts, st.lists(texts, max_size=3), st.none() | times, st.none() | texts, st.booleans(), st.booleans(),
       st.lists(st.tuples(texts, texts, st.integers(1, 999), st.integers(-10**6, 10**9), st.none() | st.integers(0, 10**9)),
                min_size=1, max_size=4))
def test_a_clean_record_decodes_to_exactly_the_record_that_was_encoded(name, remark, tags, at, carrier, cod, invoice,
                                                                       lines):
    clean = record(buyer_name=name, buyer_remark=remark, tags=tags, ordered_at=at, carrier_code=carrier,
                   total_cents=12345, cash_on_delivery=cod, invoice_requested=invoice,
                   lines=[{"sku_code": s, "name": n, "qty": q, "unit_price_cents": p, "list_price_cents": lp}
                          for s, n, q, p, lp in lines])
    encoded = encoded_orders.encode(clean)
    assert encoded.codes == tuple(s for s, _n, _q, _p, _lp in lines)
    assert encoded_orders.decode(encoded) == clean
    assert encoded_orders.value(encoded, "ordered_at") == at
    assert encoded_orders.value(encoded, "buyer_remark") == remark
    assert encoded_orders.value(encoded, "cash_on_delivery") is cod
    assert encoded_orders.value(encoded, "invoice_requested") is invoice


def test_the_writer_and_reader_columns_are_every_order_column_once():
    from wms.imports.inserting import ENCODED_ORDER_COLUMNS, ORDER_COLUMNS

    assert sorted(ENCODED_ORDER_COLUMNS) == sorted(("id",) + ORDER_COLUMNS)


def test_the_line_columns_are_the_same_columns_on_both_paths_and_carry_finance_reviews_facts():
    from wms.imports.inserting import ENCODED_LINE_COLUMNS, LINE_COLUMNS, ORDER_COLUMNS

    assert sorted(ENCODED_LINE_COLUMNS) == sorted(LINE_COLUMNS)
    assert len(set(LINE_COLUMNS)) == len(LINE_COLUMNS)
    assert "list_price_cents" in LINE_COLUMNS
    assert {"cash_on_delivery", "invoice_requested"} <= set(ORDER_COLUMNS)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.none() | texts, texts, st.none() | st.integers(), st.integers(), st.none() | st.integers()),
                min_size=1, max_size=4))
def test_lines_made_without_the_loop_are_the_rows_the_loop_makes(lines):
    assert encoded_orders.line_texts(lines) == tuple(encoded_orders.LINE_FORMAT.row(line) for line in lines)
