"""SKU mapping queue: unknown platform SKUs are queued (orders still import), mapping re-links and re-reviews."""
import pytest
from sqlalchemy import func, select

from tests.builders import make_channel, make_sku, make_user
from tests.builders_review import make_held_order, reload
from tests.builders_taobao import make_taobao_catalogue, make_taobao_channel
from wms.channels import mapping_services, services
from wms.channels.mapping_models import SkuMapping
from wms.channels.sandbox.taobao import start_in_thread
from wms.channels.sandbox.taobao_seed import FIRST_TID
from wms.errors import ConcurrentUpdate, NotFound, ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order, OrderEvent

GIFT_BOX, BASKET = "TB-GIFT-BOX", "tb-623456789012-4987654321098"


def record(external_id, *codes, cancelled_at=None):
    return {"external_id": external_id, "cancelled_at": cancelled_at,
            "lines": [{"sku_code": code, "name": f"title of {code}", "qty": 1, "unit_price_cents": 100} for code in codes]}


def queue(channel_id=None):
    db.session.expire_all()
    query = select(SkuMapping).order_by(SkuMapping.platform_sku)
    if channel_id:
        query = query.where(SkuMapping.channel_id == channel_id)
    return db.session.scalars(query).all()


@pytest.fixture
def shop(app):
    make_sku("TEA-LJ-250", barcodes=("6901234567892",))
    return make_channel(code="tmall", platform="taobao")


def test_unknown_keys_are_queued_once_with_a_sample_title_and_known_codes_and_barcodes_are_not(shop):
    records = [record("1", "TEA-LJ-250", "6901234567892", "TB-X"), record("2", "TB-X", "TB-Y")]

    mapping_services.apply_sku_mappings(shop.id, records)
    mapping_services.apply_sku_mappings(shop.id, records)  # the same chunk again: nothing new

    assert [(m.platform_sku, m.sample_title, m.sku_id) for m in queue()] == [
        ("TB-X", "title of TB-X", None), ("TB-Y", "title of TB-Y", None)]
    assert [line["sku_code"] for line in records[0]["lines"]] == ["TEA-LJ-250", "6901234567892", "TB-X"]


def test_a_key_another_sync_queued_meanwhile_is_not_an_error_or_a_duplicate(shop, monkeypatch):
    mapping_services.apply_sku_mappings(shop.id, [record("1", "TB-X")])
    monkeypatch.setattr(mapping_services, "_mappings", lambda channel_id, keys: {})  # read before the other commit

    mapping_services.apply_sku_mappings(shop.id, [record("2", "TB-X", "TB-Y")])

    assert [m.platform_sku for m in queue()] == ["TB-X", "TB-Y"]


def test_the_queue_is_per_channel(shop):
    other = make_channel(code="pdd", platform="taobao")

    mapping_services.apply_sku_mappings(shop.id, [record("1", "TB-X")])
    mapping_services.apply_sku_mappings(other.id, [record("1", "TB-X")])

    assert sorted(m.channel_id for m in queue()) == sorted([shop.id, other.id])


def test_orders_cancelled_on_the_platform_queue_nothing(shop):
    mapping_services.apply_sku_mappings(shop.id, [record("1", "TB-GONE", cancelled_at="2026-11-20T00:00:00")])

    assert queue() == []


def test_a_mapped_key_is_rewritten_to_our_code_before_import(shop):
    mapping_services.apply_sku_mappings(shop.id, [record("1", "TB-X")])
    sku = make_sku("TEA-PUER-357", barcodes=())
    mapping_services.map_sku(queue()[0].id, sku.id, make_user(role="reviewer", username="rev"))
    records = [record("2", "TB-X", "TB-NEW")]

    mapping_services.apply_sku_mappings(shop.id, records)

    assert [line["sku_code"] for line in records[0]["lines"]] == ["TEA-PUER-357", "TB-NEW"]
    assert [m.platform_sku for m in queue()] == ["TB-NEW", "TB-X"]


def test_records_without_lines_or_codes_pass_through_untouched(shop):
    records = [{"external_id": "1"}, {"external_id": "2", "lines": "nope"}, "not a record",
               {"external_id": "3", "lines": [{"sku_code": " "}, {"qty": 1}]}]

    assert mapping_services.apply_sku_mappings(shop.id, records) is records
    assert queue() == []


def test_mapping_relinks_a_held_order_and_releases_it_when_nothing_else_is_wrong(shop):
    mapping_services.apply_sku_mappings(shop.id, [record("H1", "TB-X")])
    held = make_held_order("H1", channel=shop, lines=(("TB-X", 2),), reasons=(("unknown_sku", "TB-X"),))
    sku = make_sku("TEA-PUER-357", barcodes=())
    reviewer = make_user(role="reviewer", username="rev")

    result = mapping_services.map_sku(queue()[0].id, sku.id, reviewer)

    order = reload(held)
    assert [(line.sku_code, line.sku_id) for line in order.lines] == [("TEA-PUER-357", sku.id)]
    assert order.status != states.ON_HOLD and result["released"] == [order.id]
    assert (result["lines"], result["orders"], result["still_held"]) == (1, [order.id], [])
    mapping = result["mapping"]
    assert (mapping.sku_id, mapping.resolved_by) == (sku.id, "rev") and mapping.resolved_at is not None
    notes = db.session.scalars(select(OrderEvent.reason).where(OrderEvent.order_id == order.id)).all()
    assert "SKU mapping: TB-X -> TEA-PUER-357 (1 line(s))" in notes


def test_a_held_order_with_another_problem_stays_held_with_its_other_reason(shop):
    mapping_services.apply_sku_mappings(shop.id, [record("H2", "TB-X")])
    held = make_held_order("H2", channel=shop, lines=(("TB-X", 1),), payment_status="pending",
                           reasons=(("unknown_sku", "TB-X"), ("payment", "pending")))
    sku = make_sku("TEA-PUER-357", barcodes=())

    result = mapping_services.map_sku(queue()[0].id, sku.id, make_user(role="reviewer", username="rev"))

    order = reload(held)
    assert order.status == states.ON_HOLD and result["still_held"] == [order.id]
    assert "unknown_sku" not in order.hold_codes and "payment" in order.hold_codes
    assert order.lines[0].sku_id == sku.id


def test_orders_on_the_floor_are_not_touched(shop):
    mapping_services.apply_sku_mappings(shop.id, [record("F1", "TB-X")])
    floor = make_held_order("F1", channel=shop, lines=(("TB-X", 1),), reasons=(("unknown_sku", "TB-X"),))
    floor.transition_to(states.CANCELLED, reason="buyer cancelled", actor="rev")  # terminal: not editable
    db.session.commit()
    sku = make_sku("TEA-PUER-357", barcodes=())

    result = mapping_services.map_sku(queue()[0].id, sku.id, make_user(role="reviewer", username="rev"))

    assert result["orders"] == [] and reload(floor).lines[0].sku_id is None


def test_two_reviewers_mapping_the_same_key_one_wins_and_the_other_is_told_who(shop):
    mapping_services.apply_sku_mappings(shop.id, [record("1", "TB-X")])
    first, second = make_sku("SKU-A", barcodes=()), make_sku("SKU-B", barcodes=())
    alice, bob = make_user(role="reviewer", username="alice"), make_user(role="reviewer", username="bob")
    mapping_id = queue()[0].id

    mapping_services.map_sku(mapping_id, first.id, alice)
    with pytest.raises(ConcurrentUpdate, match="already mapped to SKU-A by alice"):
        mapping_services.map_sku(mapping_id, second.id, bob)

    assert (queue()[0].sku_id, queue()[0].resolved_by) == (first.id, "alice")


def test_the_claim_is_a_conditional_update_so_a_stale_reader_cannot_overwrite(shop):
    mapping_services.apply_sku_mappings(shop.id, [record("1", "TB-X")])
    first, second = make_sku("SKU-A", barcodes=()), make_sku("SKU-B", barcodes=())
    mapping = queue()[0]
    # another process maps it behind this session's back, after the session loaded the row
    db.session.execute(SkuMapping.__table__.update().where(SkuMapping.id == mapping.id)
                       .values(sku_id=first.id, resolved_by="alice"))
    db.session.commit()

    with pytest.raises(ConcurrentUpdate, match="by alice"):
        mapping_services.map_sku(mapping.id, second.id, make_user(role="reviewer", username="bob"))
    assert queue()[0].sku_id == first.id


def test_bad_input_is_refused_clearly_and_changes_nothing(shop):
    mapping_services.apply_sku_mappings(shop.id, [record("1", "TB-X")])
    mapping_id = queue()[0].id
    inactive = make_sku("OLD-1", barcodes=(), active=False)
    actor = make_user(role="reviewer", username="rev")

    with pytest.raises(NotFound):
        mapping_services.map_sku(9999, inactive.id, actor)
    with pytest.raises(ValidationFailed, match="Choose a SKU"):
        mapping_services.map_sku(mapping_id, 9999, actor)
    with pytest.raises(ValidationFailed, match="inactive"):
        mapping_services.map_sku(mapping_id, inactive.id, actor)
    with pytest.raises(ValidationFailed, match="No SKU with code or barcode 'NOPE'"):
        mapping_services.map_sku_by_code(mapping_id, "NOPE", actor)
    assert queue()[0].sku_id is None


def test_map_by_barcode_finds_the_sku(shop):
    mapping_services.apply_sku_mappings(shop.id, [record("1", "TB-X")])

    result = mapping_services.map_sku_by_code(queue()[0].id, "6901234567892", make_user(role="reviewer", username="r"))

    assert result["sku"].code == "TEA-LJ-250"


def test_sku_search_matches_code_name_or_exact_barcode_and_skips_inactive(shop):
    make_sku("TEA-PUER-357", name="云南普洱茶饼", barcodes=("6909999999999",))
    make_sku("TEA-OLD", name="旧茶", barcodes=(), active=False)

    assert [s.code for s in mapping_services.search_skus("tea")] == ["TEA-LJ-250", "TEA-PUER-357"]
    assert [s.code for s in mapping_services.search_skus("普洱")] == ["TEA-PUER-357"]
    assert [s.code for s in mapping_services.search_skus("6909999999999")] == ["TEA-PUER-357"]
    assert mapping_services.search_skus("  ") == []


# --- through a real sync ---------------------------------------------------------------------

@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


def test_a_synced_order_with_an_unknown_sku_is_held_then_released_by_mapping_and_resyncs_unchanged(app, sandbox):
    make_taobao_catalogue()
    channel = make_taobao_channel(sandbox.base_url)
    services.sync_orders(channel.id)
    liu = db.session.scalar(select(Order).where(Order.external_id == str(FIRST_TID + 4)))
    assert liu.status == states.ON_HOLD and liu.hold_codes == ["unknown_sku"]
    waiting = {row["mapping"].platform_sku: row["waiting"] for row in mapping_services.mapping_queue()["rows"]}
    assert waiting == {GIFT_BOX: 1, BASKET: 1}
    gift = make_sku("GIFT-LJ-PUER", name="茶礼盒", barcodes=())
    gift_mapping = next(m for m in queue() if m.platform_sku == GIFT_BOX)

    result = mapping_services.map_sku(gift_mapping.id, gift.id, make_user(role="reviewer", username="rev"))

    assert result["released"] == [liu.id]
    liu = reload(liu)
    assert liu.status != states.ON_HOLD and [l.sku_code for l in liu.lines] == ["GIFT-LJ-PUER"]
    again = services.sync_orders(channel.id, adapter=None)
    assert (again.updated, again.failed) == (0, 0)
    assert [m.platform_sku for m in queue() if m.sku_id is None] == [BASKET]
    assert mapping_services.mapping_queue(show="resolved")["rows"][0]["mapping"].sku.code == "GIFT-LJ-PUER"


def test_a_trade_changed_after_mapping_reimports_with_our_code(app, sandbox):
    import requests

    make_taobao_catalogue()
    channel = make_taobao_channel(sandbox.base_url)
    services.sync_orders(channel.id)
    gift = make_sku("GIFT-LJ-PUER", barcodes=())
    mapping_services.map_sku(next(m for m in queue() if m.platform_sku == GIFT_BOX).id, gift.id,
                             make_user(role="reviewer", username="rev"))
    requests.post(f"{sandbox.base_url}/_sandbox/trades", json={"seed": 4})  # a new trade for the gift box

    summary = services.sync_orders(channel.id)

    assert summary.created == 1
    newest = db.session.scalar(select(Order).order_by(Order.id.desc()))
    assert [(l.sku_code, l.sku_id) for l in newest.lines] == [("GIFT-LJ-PUER", gift.id)]
    assert db.session.scalar(select(func.count(SkuMapping.id))) == 2
