"""Waves filtered by tag: the preview and the release take only the tagged orders; the automatic rule
keeps its tag filter; a wrong tag is refused."""
import pytest

from tests.builders_picking import allocated_orders, stocked_warehouse
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders.models import Order
from wms.picking import rules, services
from wms.picking.models import Wave


def _tagged(orders, *tag_lists):
    for order, tags in zip(orders, tag_lists):
        db.session.get(Order, order.id).tags = list(tags)
    db.session.commit()


def _previewed(preview):
    return {order_id for batch in preview.batches for order_id in batch.order_ids}


def test_the_preview_and_the_release_take_only_the_orders_with_the_tag(app):
    warehouse, _ = stocked_warehouse()
    orders = allocated_orders([("T1", [("SKU-0", 1)]), ("T2", [("SKU-1", 1)]), ("T3", [("SKU-2", 2)])])
    _tagged(orders, ["VIP"], ["vip", "易碎"], ["复购"])
    wave_filter = rules.filter_from({"include_tags": " Vip ", "exclude_tags": "易碎"})
    assert _previewed(services.preview_wave(warehouse.id, wave_filter)) == {orders[0].id}
    services.release_wave(warehouse.id, wave_filter, time_budget=0.1)
    waved = set(db.session.scalars(db.select(Order.id).where(Order.status == "waved")))
    assert waved == {orders[0].id}


def test_a_tag_no_order_could_carry_is_refused_before_anything_is_read(app):
    with pytest.raises(ValidationFailed) as refused:
        rules.filter_from({"include_tags": "x" * 41})
    assert refused.value.details["field"] == "include_tags"


def test_the_automatic_rule_keeps_its_tag_filter_and_releases_only_those_orders(app):
    warehouse, _ = stocked_warehouse()
    orders = allocated_orders([("A1", [("SKU-0", 1)]), ("A2", [("SKU-1", 1)])])
    _tagged(orders, ["加急"], [])
    rule = rules.save_rule(warehouse.id, True, "1", "1", {"include_tags": "加急", "priority_first": "on"})
    assert rule.filters == {"include_tags": ["加急"], "priority_first": True}
    rules.run_auto_waves()
    assert db.session.query(Wave).count() == 1
    assert set(db.session.scalars(db.select(Order.id).where(Order.status == "waved"))) == {orders[0].id}


def test_a_refused_automatic_rule_changes_nothing(app):
    warehouse, _ = stocked_warehouse()
    with pytest.raises(ValidationFailed):
        rules.save_rule(warehouse.id, True, "1", "1", {"exclude_tags": "a\x07"})
    db.session.rollback()
    assert rules.get_rule(warehouse.id).enabled is False
