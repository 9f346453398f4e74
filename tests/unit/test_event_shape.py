"""What a floor event may carry: checked before anything touches the database (wms.picking.event_shape)."""
import pytest
from hypothesis import given, settings, strategies as st

from wms.picking.event_shape import ID, INT32_MAX, Int, Text, clean_event

PICK = {"line_id": ID, "qty": Int(), "bin": Text(64), "barcode": Text(128)}


def event(**fields):
    return {"uuid": "0f8fad5b-d9cb-469f-a165-70867728950e", "kind": "pick", "seq": 3, **fields}


def test_a_well_formed_pick_comes_back_without_the_fields_nobody_reads():
    clean, problem = clean_event(event(line_id=7, qty=1, bin="B-1", barcode="690", junk="x" * 900, extra={"a": 1}),
                                 PICK)
    assert problem is None
    assert clean == {"uuid": "0f8fad5b-d9cb-469f-a165-70867728950e", "kind": "pick", "seq": 3, "line_id": 7, "qty": 1,
                     "bin": "B-1", "barcode": "690"}


@pytest.mark.parametrize("fields, says", [
    ({"line_id": 2**31}, "line_id must be from 1 to 2147483647"),
    ({"line_id": 2**63}, "line_id must be from 1"),
    ({"line_id": 0}, "line_id must be from 1"),
    ({"line_id": True}, "line_id must be a whole number"),
    ({"line_id": 1.5}, "line_id must be a whole number"),
    ({"qty": -2**31}, "qty must be from"),
    ({"seq": 2**31}, "seq must be from 0"),
    ({"bin": "A\x00B"}, "bin contains a NUL byte"),
    ({"barcode": "69\ud800"}, "barcode contains a NUL byte or an unpaired surrogate"),
    ({"bin": "B" * 65}, "bin is longer than 64 characters"),
    ({"bin": ["B-1"]}, "bin must be text"),
    ({"kind": "k" * 31}, "kind is longer than 30 characters"),
    ({"uuid": "short"}, "uuid must be 8-36"),
    ({"uuid": "a" * 37}, "uuid must be 8-36"),
    ({"uuid": "abcdefgh\x00"}, "uuid must be 8-36"),
    ({"uuid": 12345678}, "uuid must be 8-36"),
    ({"junk": "x" * 5000}, "at most 4096 bytes"),
    ({"junk": [[[[["deep"]]]]]}, "at most 4096 bytes"),
])
def test_a_field_out_of_its_bounds_is_named_in_the_problem(fields, says):
    clean, problem = clean_event({**event(line_id=1), **fields}, PICK)
    assert clean is None and says in problem


def test_a_kind_that_is_not_text_or_an_event_that_is_not_an_object_is_a_problem():
    assert clean_event({**event(), "kind": 5}, PICK)[1] == "kind is required"
    assert clean_event(["pick"], PICK)[1] == "an event must be an object"


def test_a_huge_payload_is_refused_without_walking_all_of_it():
    huge = event(junk=["x" * 100] * 1_000_000)
    assert "at most" in clean_event(huge, PICK)[1]


anything = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=4),
                        max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["uuid", "kind", "seq", "line_id", "qty", "bin", "barcode", "x"]), anything))
def test_whatever_comes_in_is_either_refused_with_a_reason_or_storable(raw):
    clean, problem = clean_event(raw, PICK)
    assert (clean is None) != (problem is None)
    if clean is not None:
        assert set(clean) <= {"uuid", "kind", "seq", "line_id", "qty", "bin", "barcode"}
        for value in clean.values():
            assert isinstance(value, (int, str)) and not isinstance(value, bool)
            if isinstance(value, int):
                assert -INT32_MAX <= value <= INT32_MAX
            else:
                assert "\x00" not in value and value.encode("utf-8")  # no lone surrogate
