"""wms/inputs.py: the readers every feature shares (a trimmed text, a number or None, an actor's name)."""
from collections import namedtuple

from hypothesis import given
from hypothesis import strategies as st

from wms.inputs import actor_name, as_int, clean_text

User = namedtuple("User", "id username")


@given(st.text())
def test_clean_text_is_the_text_without_its_surrounding_blanks(text):
    assert clean_text(text) == text.strip()
    assert clean_text(clean_text(text)) == clean_text(text)


def test_clean_text_of_nothing_is_empty_and_a_typed_zero_stays_a_value():
    assert clean_text(None) == ""
    assert (clean_text(0), clean_text(12), clean_text(" 1.50 ")) == ("0", "12", "1.50")


@given(st.integers())
def test_as_int_reads_back_any_whole_number_written_as_text(number):
    assert as_int(str(number)) == number
    assert as_int(f"  {number} ") == number
    assert as_int(number) == number


@given(st.one_of(st.none(), st.just(""), st.just("x"), st.just("1.5"), st.just("12abc"),
                 st.lists(st.integers()), st.dictionaries(st.text(), st.integers())))
def test_as_int_is_none_for_what_is_not_a_whole_number(value):
    assert as_int(value) is None


def test_as_int_does_not_raise_on_a_blank_or_missing_form_value():
    assert (as_int(None), as_int(""), as_int("  ")) == (None, None, None)


def test_actor_name_is_system_for_nobody():
    assert actor_name(None) == "system"


@given(st.text())
def test_actor_name_keeps_a_given_name_as_it_is(name):
    assert actor_name(name) == name


@given(st.text(min_size=1))
def test_actor_name_of_a_user_is_the_username(username):
    assert actor_name(User(7, username)) == username


def test_actor_name_of_something_without_a_username_is_its_text():
    class Device:
        def __str__(self):
            return "scanner-3"

    assert actor_name(Device()) == "scanner-3"
    assert actor_name(User(7, "")) == "User(id=7, username='')"
