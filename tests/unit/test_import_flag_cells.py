"""Yes / no cells (wms.imports.cells.parse_bool, parse_invoice): finance review's facts in a file's
`Cash on delivery` / 货到付款 and `Invoice requested` / 需要发票 / 发票抬头 columns."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wms.imports.cells import FALSE_WORDS, TRUE_WORDS, parse_bool, parse_invoice


@pytest.mark.parametrize("text", ["是", "yes", "Y", " 1 ", "TRUE", "true", "货到付款", "COD", "√", "需要"])
def test_yes_words_read_as_true(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["否", "No", "0", "false", "F", "在线支付", "已付款", "不需要", " 无 "])
def test_no_words_read_as_false(text):
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["", "  ", "maybe", "也许", "2", "yes please", "支付宝"])
def test_anything_else_is_not_read(text):
    assert parse_bool(text) is None


def test_no_word_is_both_yes_and_no():
    assert not TRUE_WORDS & FALSE_WORDS


words = st.sampled_from(sorted(TRUE_WORDS | FALSE_WORDS))
padding = st.text(" \t\u3000", max_size=3)


@given(words, padding, padding, st.booleans())
def test_a_word_reads_the_same_whatever_its_case_and_padding(word, before, after, upper):
    text = before + (word.upper() if upper else word) + after
    assert parse_bool(text) is (word in TRUE_WORDS)


@given(st.text(max_size=20))
def test_any_text_is_true_false_or_none_and_never_raises(text):
    answer = parse_bool(text)
    assert answer in (True, False, None)
    assert (answer is None) == (text.strip().lower() not in TRUE_WORDS | FALSE_WORDS)


@given(st.text(max_size=30))
def test_an_invoice_cell_is_a_yes_or_no_word_or_a_title_that_asks_for_one(text):
    answer = parse_invoice(text)
    if not text.strip():
        assert answer is None
    elif parse_bool(text) is not None:
        assert answer is parse_bool(text)
    else:
        assert answer is True


def test_an_invoice_title_asks_for_an_invoice_and_no_says_none():
    assert parse_invoice("杭州某某科技有限公司") is True
    assert parse_invoice("否") is False
    assert parse_invoice("") is None
