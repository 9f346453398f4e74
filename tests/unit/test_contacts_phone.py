"""Phones in every way sellers' exports write them normalise to one E.164 number."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wms.contacts.phone import normalise_phone
from wms.wording import english

MOBILE = "13800138000"


@pytest.mark.parametrize("written", [
    "13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "+86-13800138000", "86138 0013 8000",
    "8613800138000", "008613800138000", "(+86) 138 0013 8000", "'13800138000", '="13800138000"',
    "\t13800138000", "１３８００１３８０００", "  13800138000  ",
])
def test_a_chinese_mobile_written_any_way_becomes_one_e164_number(written):
    result = normalise_phone(written, "CN")
    assert (result.e164, result.valid, result.problem) == ("+8613800138000", True, None)
    assert result.value == "+8613800138000"


def test_a_platform_privacy_extension_is_kept_apart_from_the_number():
    for written in ("13800138000-1234", "13800138000转1234", "+86 138 0013 8000 转 1234"):
        result = normalise_phone(written, "CN")
        assert (result.e164, result.extension) == ("+8613800138000", "1234")


@pytest.mark.parametrize("written, country, e164", [
    ("0571-88888888", "CN", "+8657188888888"),
    ("(415) 555-2671", "US", "+14155552671"),
    ("415.555.2671", "US", "+14155552671"),
    ("020 7946 0958", "GB", "+442079460958"),
    ("090-1234-5678", "JP", "+819012345678"),
    ("+1 415 555 2671", "CN", "+14155552671"),
    ("8613800138000", "US", "+8613800138000"),
])
def test_other_numbers_are_read_as_numbers_of_the_orders_country(written, country, e164):
    assert normalise_phone(written, country).e164 == e164


def test_an_unknown_country_reads_the_number_as_chinese():
    assert normalise_phone("13800138000", "").e164 == "+8613800138000"
    assert normalise_phone("13800138000", "XX").e164 == "+8613800138000"


def test_a_us_number_is_not_taken_for_a_chinese_mobile_in_a_us_order():
    result = normalise_phone("13800138000", "US")
    assert not result.valid and english(result.problem) == "'13800138000' is not a valid US phone number"


def test_the_first_valid_number_of_several_in_one_cell_wins():
    assert normalise_phone("无 / 13800138000", "CN").e164 == "+8613800138000"
    assert normalise_phone("13800138000，0571-88888888", "CN").e164 == "+8613800138000"


@pytest.mark.parametrize("written, problem", [
    ("call me", "'call me' is not a phone number"),
    ("138****8000", "'138****8000' is masked by the platform"),
    ("12345", "'12345' is not a valid CN phone number"),
    ("'12345", "'12345' is not a valid CN phone number"),
])
def test_a_phone_that_is_not_valid_says_why_and_keeps_the_text_without_guards(written, problem):
    result = normalise_phone(written, "CN")
    assert (result.valid, result.e164, english(result.problem)) == (False, "", problem)
    assert result.value == written.lstrip("'")


def test_an_empty_phone_is_neither_valid_nor_a_problem():
    for empty in ("", None, "   ", "''", '=""'):
        result = normalise_phone(empty, "CN")
        assert (result.e164, result.valid, result.problem, result.value) == ("", False, None, "")


GROUPINGS = st.sampled_from([(3, 4, 4), (11,), (3, 8), (7, 4)])
PREFIXES = st.sampled_from(["", "+86", "+86 ", "86", "0086", "(+86)", "+86-"])
GUARDS = st.sampled_from(["{}", "'{}", '="{}"', "\t{}", " {} "])
SEPARATORS = st.sampled_from(["", " ", "-", ".", "\u3000"])


@settings(max_examples=150, deadline=None)
@given(second=st.sampled_from("3456789"), rest=st.text("0123456789", min_size=9, max_size=9),
       grouping=GROUPINGS, prefix=PREFIXES, guard=GUARDS, separator=SEPARATORS)
def test_every_written_form_of_a_mobile_normalises_to_the_same_e164(second, rest, grouping, prefix, guard,
                                                                     separator):
    digits = "1" + second + rest
    parts, start = [], 0
    for size in grouping:
        parts.append(digits[start:start + size])
        start += size
    written = guard.format(prefix + separator.join(parts))
    result = normalise_phone(written, "CN")
    assert result.valid and result.e164 == "+86" + digits


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40), country=st.sampled_from(["CN", "US", "GB", "JP", "", "zz", "HK"]))
def test_no_text_makes_the_phone_normaliser_raise(text, country):
    result = normalise_phone(text, country)
    assert result.valid == bool(result.e164)
    assert result.valid or result.problem is not None or result.value == ""
    if result.valid:
        assert result.e164.startswith("+") and result.e164[1:].isdigit() and result.e164.isascii()
