"""The kit (组合装) rule: one kit line becomes its components; quantities conserved, nesting flattened,
cycles refused; a kit's sellable quantity is its scarcest component's."""
import pytest
from hypothesis import given, strategies as st

from wms.catalog import kits
from wms.catalog.kits import KitProblem, Part, check_definition, expand, flatten, parse_components, sellable

TABLE = {"KIT": (("A", 2), ("B", 1))}


def line(line_id, sku, qty):
    return Part(line_id, sku, qty)


def test_a_kit_line_becomes_one_part_per_component_naming_the_kit_and_other_lines_stay_as_they_are():
    parts = expand([line(1, "KIT", 3), line(2, "C", 1), line(3, None, 2)], TABLE)
    assert parts == [Part(1, "A", 6, "KIT"), Part(1, "B", 3, "KIT"), Part(2, "C", 1), Part(3, None, 2)]


def test_a_nested_kit_is_multiplied_out_and_merged_per_component():
    table = {"BIG": (("KIT", 2), ("A", 1)), **TABLE}
    assert flatten("BIG", table) == (("A", 5), ("B", 2))
    assert expand([line(7, "BIG", 2)], table) == [Part(7, "A", 10, "BIG"), Part(7, "B", 4, "BIG")]


def test_a_cycle_is_refused_not_followed_for_ever():
    for table in ({"X": (("Y", 1),), "Y": (("X", 1),)}, {"X": (("X", 2),)}):
        with pytest.raises(KitProblem, match="contains itself"):
            expand([line(1, "X", 1)], table)


def test_sellable_is_the_scarcest_components_whole_kits():
    assert sellable((("A", 2), ("B", 1)), {"A": 9, "B": 7}) == 4
    assert sellable((("A", 2), ("B", 1)), {"A": 9}) == 0
    assert sellable((("A", 2), ("A", 1)), {"A": 9}) == 3          # the same component listed twice counts twice
    assert sellable((), {"A": 9}) == 0 and sellable((("A", 1),), {"A": -4}) == 0


@pytest.mark.parametrize("components, words", [
    ([], "List at least one component"),
    ([("A", 0)], "Quantity of A must be from 1 to 9999"),
    ([("A", True)], "Quantity of A"),
    ([("NEW", 1)], "Kit NEW cannot contain itself"),
    ([("KIT", 1)], "KIT is a kit itself"),
    ([(f"S{i}", 1) for i in range(51)], "at most 50 components"),
])
def test_a_bad_definition_is_refused_with_its_reason(components, words):
    with pytest.raises(KitProblem) as refused:
        check_definition("NEW", components, TABLE)
    assert words in str(refused.value)


def test_a_kit_that_is_another_kits_component_cannot_become_a_kit_itself():
    with pytest.raises(KitProblem) as refused:
        check_definition("A", [("C", 1)], TABLE)
    assert refused.value.template.startswith("{kit} is a component of kit") and refused.value.values["parents"] == ("KIT",)


def test_a_definition_merges_a_component_listed_twice():
    assert check_definition("NEW", [("A", 1), ("C", 2), ("A", 3)], TABLE) == (("A", 4), ("C", 2))


def test_components_are_read_as_people_and_spreadsheets_write_them():
    assert parse_components("A*2; BOX-1 x3\nC 4，D；E×5 | F") == [("A", 2), ("BOX-1", 3), ("C", 4), ("D", 1),
                                                                   ("E", 5), ("F", 1)]
    assert parse_components("  ") == []
    with pytest.raises(KitProblem, match="Cannot read 'A B C'"):
        parse_components("A B C")
    assert parse_components(kits.describe([("A", 2), ("B", 1)])) == [("A", 2), ("B", 1)]


skus = st.sampled_from("ABCDEFG")
flat_tables = st.dictionaries(st.sampled_from(["K1", "K2", "K3"]),
                              st.lists(st.tuples(skus, st.integers(1, 5)), min_size=1, max_size=4).map(tuple),
                              max_size=3)
order_lines = st.lists(st.tuples(st.sampled_from(["K1", "K2", "K3", "A", "B", None]), st.integers(0, 20)),
                       max_size=8)


@given(order_lines, flat_tables)
def test_expanding_conserves_every_components_quantity(lines, table):
    rows = [line(i, sku, qty) for i, (sku, qty) in enumerate(lines)]
    parts = expand(rows, table)
    expected = {}
    for row in rows:
        for sku, per in (table.get(row.sku_id) or ((row.sku_id, 1),)):
            expected[sku] = expected.get(sku, 0) + row.qty * per
    got = {}
    for part in parts:
        got[part.sku_id] = got.get(part.sku_id, 0) + part.qty
    assert got == expected
    assert {part.line_id for part in parts} == {row.line_id for row in rows}   # no line lost
    assert all((part.kit_sku_id is not None) == bool(table.get(rows[part.line_id].sku_id)) for part in parts)
    assert all(part.sku_id not in table for part in parts if part.kit_sku_id is not None)   # nothing left to expand


@given(st.dictionaries(st.sampled_from("XYZ"), st.lists(st.tuples(st.sampled_from("XYZAB"), st.integers(1, 3)),
                                                        min_size=1, max_size=3).map(tuple), max_size=3),
       st.sampled_from("XYZ"))
def test_any_table_either_flattens_to_plain_skus_or_is_refused_as_a_cycle(table, kit):
    try:
        flat = flatten(kit, table)
    except KitProblem:
        return
    assert all(sku not in table or not table[sku] for sku, _qty in flat)
    assert all(qty >= 1 for _sku, qty in flat)


@given(st.lists(st.tuples(skus, st.integers(1, 5)), min_size=1, max_size=4), st.dictionaries(skus, st.integers(0, 100)))
def test_sellable_kits_never_need_more_than_there_is_and_one_more_would(components, available):
    n = sellable(components, available)
    need = {}
    for sku, qty in components:
        need[sku] = need.get(sku, 0) + qty
    assert all(n * qty <= available.get(sku, 0) for sku, qty in need.items())
    assert any((n + 1) * qty > available.get(sku, 0) for sku, qty in need.items())
