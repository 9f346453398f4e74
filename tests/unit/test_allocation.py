"""Pure allocation rules: complete from one warehouse, fewest bins, every shortage, split plans."""
import pytest

from wms.inventory.allocation_rules import (
    RULE_DISTANCE, RULE_PRIORITY, BinStock, Line, WarehouseInfo, allocate, choose_bins, rank_warehouses,
    split_plan)


def bins(*rows):
    """rows: (stock_item_id, warehouse_id, sku_id, available[, level[, fifo]])"""
    return [BinStock(*row) for row in rows]


def test_the_first_ranked_warehouse_that_can_ship_complete_wins():
    stock = bins((1, 10, 100, 5), (2, 20, 100, 5), (3, 20, 200, 1))
    decision = allocate([Line(1, 100, 2), Line(2, 200, 1)], stock, ranking=[10, 20])
    assert decision.complete
    assert decision.plan.warehouse_id == 20  # warehouse 10 has no SKU 200
    assert {(p.line_id, p.stock_item_id, p.qty) for p in decision.plan.picks} == {(1, 2, 2), (2, 3, 1)}


def test_ranking_decides_between_two_complete_warehouses():
    stock = bins((1, 10, 100, 5), (2, 20, 100, 5))
    assert allocate([Line(1, 100, 1)], stock, ranking=[20, 10]).plan.warehouse_id == 20


def test_every_shortage_is_listed_against_the_closest_warehouse():
    stock = bins((1, 10, 100, 1), (2, 20, 100, 3), (3, 20, 200, 1))
    decision = allocate([Line(1, 100, 4), Line(2, 200, 2), Line(3, None, 1)], stock, ranking=[10, 20])
    assert not decision.complete
    assert decision.short_warehouse_id == 20
    assert [(s.sku_id, s.needed, s.available) for s in decision.shortages] == \
        [(None, 1, 0), (100, 4, 3), (200, 2, 1)]


def test_a_single_covering_bin_beats_several_smaller_ones():
    assert choose_bins(5, bins((1, 1, 9, 3), (2, 1, 9, 3), (3, 1, 9, 6))) == [(3, 5)]


def test_among_covering_bins_the_oldest_then_the_lowest_level_wins():
    assert choose_bins(2, bins((1, 1, 9, 5, 3, 50), (2, 1, 9, 5, 1, 50), (3, 1, 9, 5, 1, 10))) == [(3, 2)]
    assert choose_bins(2, bins((1, 1, 9, 5, 3, 10), (2, 1, 9, 5, 1, 10))) == [(2, 2)]


def test_without_a_covering_bin_the_largest_bins_are_used_first():
    assert choose_bins(7, bins((1, 1, 9, 2), (2, 1, 9, 4), (3, 1, 9, 3), (4, 1, 9, 0))) == [(2, 4), (3, 3)]


def test_two_lines_of_one_sku_do_not_reserve_the_same_units_twice():
    stock = bins((1, 10, 100, 3), (2, 10, 100, 2))
    decision = allocate([Line(1, 100, 3), Line(2, 100, 2)], stock, ranking=[10])
    used = {}
    for pick in decision.plan.picks:
        used[pick.stock_item_id] = used.get(pick.stock_item_id, 0) + pick.qty
    assert used == {1: 3, 2: 2}
    assert allocate([Line(1, 100, 3), Line(2, 100, 3)], stock, ranking=[10]).shortages[0].needed == 6


def test_a_split_plan_is_offered_only_when_splitting_is_allowed():
    stock = bins((1, 10, 100, 2), (2, 20, 200, 1))
    lines = [Line(1, 100, 2), Line(2, 200, 1)]
    assert allocate(lines, stock, ranking=[10, 20]).split == ()
    split = allocate(lines, stock, ranking=[10, 20], allow_split=True).split
    assert [(p.warehouse_id, [(x.line_id, x.qty) for x in p.picks]) for p in split] == \
        [(10, [(1, 2)]), (20, [(2, 1)])]


def test_a_split_can_cut_one_line_across_warehouses_and_none_exists_when_total_stock_is_short():
    stock = bins((1, 10, 100, 2), (2, 20, 100, 3))
    split = split_plan([Line(1, 100, 5)], stock, ranking=[10, 20])
    assert [(p.warehouse_id, sum(x.qty for x in p.picks)) for p in split] == [(20, 3), (10, 2)]
    assert split_plan([Line(1, 100, 6)], stock, ranking=[10, 20]) == ()


def test_distance_rule_prefers_the_nearest_then_the_home_region_then_priority():
    warehouses = [WarehouseInfo(1, "浙江省", 10), WarehouseInfo(2, "上海市", 20), WarehouseInfo(3, "广东省", 5)]
    assert rank_warehouses(warehouses, "上海市", RULE_DISTANCE) == [2, 3, 1]
    assert rank_warehouses(warehouses, "江苏省", RULE_DISTANCE, {(1, "江苏省"): 300, (2, "江苏省"): 150}) == [2, 1, 3]
    assert rank_warehouses(warehouses, "上海市", RULE_PRIORITY) == [3, 1, 2]
    with pytest.raises(ValueError):
        rank_warehouses(warehouses, "x", "cheapest")


def test_no_warehouse_at_all_reports_every_line_short():
    decision = allocate([Line(1, 100, 1)], [], ranking=[])
    assert not decision.complete and decision.shortages[0].sku_id == 100
