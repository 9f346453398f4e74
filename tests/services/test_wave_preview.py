"""The wave preview: exactly the orders the release takes, carts that hold each of them once within
the limits, read in a fixed number of statements however long the backlog."""
import pytest
from sqlalchemy import event

from tests.builders import make_channel
from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.extensions import db
from wms.inventory.models import Bin, StockItem, Zone
from wms.orders.models import Channel, Order
from wms.picking import services, wave_plans, waves
from wms.picking.models import PickLine, Wave

SPECS = [("SKU-0", 1)], [("SKU-1", 2), ("SKU-4", 1)], [("SKU-2", 1), ("SKU-3", 1), ("SKU-5", 3)], [("SKU-3", 1)]


def _backlog(n, start=0):
    """`n` allocated orders of one, two and three lines with mixed priorities."""
    channel = db.session.query(Channel).first() or make_channel()
    orders = allocated_orders([(f"W{i:03d}", SPECS[i % len(SPECS)]) for i in range(start, start + n)], channel)
    for i, order in enumerate(orders, start=start):
        db.session.get(Order, order.id).priority = (i * 5) % 3
    db.session.commit()
    return orders


def _previewed(preview):
    ids = [order_id for batch in preview.batches for order_id in batch.order_ids]
    assert len(ids) == len(set(ids))   # every order in exactly one cart
    return set(ids)


@pytest.mark.parametrize("limits", [
    waves.WaveLimits(max_orders=9, tote_slots=3, single_units_per_cart=4),
    waves.WaveLimits(max_orders=40, max_lines=14, tote_slots=4),   # the lines limit skips, then fits smaller ones
])
def test_the_preview_lists_exactly_the_orders_the_release_takes(app, limits):
    warehouse, _ = stocked_warehouse()
    _backlog(24)
    preview = services.preview_wave(warehouse.id, limits=limits)
    assert db.session.query(Wave).count() == 0   # a preview writes nothing
    wave = services.release_wave(warehouse.id, limits=limits, time_budget=0.2)
    waved = set(db.session.scalars(db.select(Order.id).where(Order.status == "waved")))
    assert _previewed(preview) == waved and preview.orders == wave.orders_count
    assert preview.skipped == 24 - len(waved) > 0
    assert preview.fcfs_distance_m is None and wave.fcfs_distance_m > 0   # the release compares, the preview not


def test_the_preview_carts_keep_the_limits_and_count_each_pick(app):
    warehouse, _ = stocked_warehouse()
    _backlog(20)
    limits = waves.WaveLimits(tote_slots=3, single_units_per_cart=4)
    preview = services.preview_wave(warehouse.id, limits=limits)
    assert len(_previewed(preview)) == 20
    for batch in preview.batches:
        assert len(batch.order_ids) <= (3 if batch.kind == waves.MULTI else 4)
        assert batch.distance_m > 0 and batch.stops == []   # lengths, not stop lists: only a release routes stops
    services.release_wave(warehouse.id, limits=limits, time_budget=0.2)
    assert sum(batch.lines for batch in preview.batches) == db.session.query(PickLine).count()
    assert preview.distance_m == pytest.approx(sum(batch.distance_m for batch in preview.batches))


def test_the_preview_reads_the_same_statements_for_a_backlog_three_times_longer(app):
    warehouse, _ = stocked_warehouse()
    limits = waves.WaveLimits(max_orders=6)

    def statements():
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            preview = services.preview_wave(warehouse.id, limits=limits)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen), preview

    _backlog(8)
    short, first = statements()
    _backlog(16, start=8)
    long, second = statements()
    assert short == long <= 6 and first.orders == second.orders == 6


def test_a_zone_filter_takes_only_orders_whose_every_pick_is_in_those_zones(app):
    warehouse, skus = stocked_warehouse()
    cold = Zone(warehouse_id=warehouse.id, code="COLD", name="Cold")
    db.session.add(cold)
    db.session.flush()
    for bin_id in db.session.scalars(db.select(StockItem.bin_id).where(StockItem.sku_id == skus[0].id)):
        db.session.get(Bin, bin_id).zone_id = cold.id
    db.session.commit()
    _backlog(8)
    candidates = {c.order_id: c for c in wave_plans.load_candidates(warehouse, with_zones=True)}
    only_cold = {o.id for o in db.session.scalars(db.select(Order).where(Order.external_id.in_(["W000", "W004"])))}
    assert {oid for oid, c in candidates.items() if c.zones == frozenset({cold.id})} == only_cold
    zone_filter = waves.WaveFilter(zones=frozenset({cold.id}))
    assert _previewed(services.preview_wave(warehouse.id, zone_filter)) == only_cold
    services.release_wave(warehouse.id, zone_filter, time_budget=0.1)
    assert set(db.session.scalars(db.select(Order.id).where(Order.status == "waved"))) == only_cold
