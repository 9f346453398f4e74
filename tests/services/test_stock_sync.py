"""Stock sync (库存同步) over real HTTP against the platforms' sandboxes: Shopify's inventorySetQuantities and
Taobao's skus.quantity.update and item.quantity.update (batches refused in part answered per SKU), then the whole path - a stock move marks the SKU, the tick makes
every store's platform SKU due, the push job sets the formula's quantity in each sandbox - with
shares, fixed quantities, kits, safety stock, pause, push all now, refusals with backoff, and the
last unit sold on two platforms at once."""
import threading

import pytest
import requests

from tests.builders import make_order, make_sku
from tests.builders_channels import make_shopify_channel
from tests.builders_inventory import make_bin, make_warehouse
from tests.builders_jd import make_jd_channel
from tests.builders_taobao import make_taobao_channel
from wms.channels import stock_sync, stock_sync_desk
from wms.channels.mapping_models import SkuMapping
from wms.channels.sandbox import jd as jd_sandbox
from wms.channels.sandbox import shopify as shopify_sandbox
from wms.channels.sandbox import shopify_inventory, shopify_store, taobao_store
from wms.channels.sandbox import taobao as taobao_sandbox
from wms.channels.shopify import ShopifyAdapter
from wms.channels.stock_models import ChannelStockState
from wms.channels.taobao import TaobaoAdapter
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.services import adjust_stock, allocate_orders, receive_stock, release_reservation
from wms.stock_marks import StockMark

JD_SKU = "100012345602"                 # seeded in the JD sandbox
TB_SKU = "tb-612345678901-4876543210001"  # TEA-LJ-250 in the Taobao sandbox
TB_ITEM, TB_SKU_ID = "612345678901", "4876543210001"
VARIANT = 4_300_000_001


@pytest.fixture
def sandboxes():
    running = {"shopify": shopify_sandbox.start_in_thread(), "taobao": taobao_sandbox.start_in_thread(),
               "jd": jd_sandbox.start_in_thread()}
    running["shopify"].state.add_variant(VARIANT, "TEA-LJ-250", 0)
    yield running
    for sandbox in running.values():
        sandbox.stop()


def shopify_level(sandboxes, variant=VARIANT):
    levels = requests.get(f"{sandboxes['shopify'].base_url}/_sandbox/inventory").json()["levels"]
    return levels[str(variant + shopify_inventory.INVENTORY_ITEM_OFFSET)]


def taobao_qty(sandboxes):
    return requests.get(f"{sandboxes['taobao'].base_url}/_sandbox/stock").json()["items"][TB_ITEM]["skus"][TB_SKU_ID]


def jd_qty(sandboxes):
    return requests.get(f"{sandboxes['jd'].base_url}/_sandbox/stock").json()["stock"][JD_SKU]


@pytest.fixture
def stores(app, sandboxes):
    """Three stores selling TEA-LJ-250 (Shopify by variant, Taobao by its tb- key, JD by skuId), a bin."""
    sku = make_sku("TEA-LJ-250")
    shop = make_shopify_channel(sandboxes["shopify"].base_url)
    tmall = make_taobao_channel(sandboxes["taobao"].base_url)
    jd = make_jd_channel(sandboxes["jd"].base_url)
    db.session.add_all([SkuMapping(channel_id=shop.id, platform_sku=f"shopify-variant-{VARIANT}", sku_id=sku.id),
                        SkuMapping(channel_id=tmall.id, platform_sku=TB_SKU, sku_id=sku.id),
                        SkuMapping(channel_id=jd.id, platform_sku=JD_SKU, sku_id=sku.id)])
    db.session.commit()
    warehouse = make_warehouse()
    return {"sku": sku, "shop": shop, "tmall": tmall, "jd": jd, "warehouse": warehouse, "bin": make_bin(warehouse)}


def state_of(channel, key):
    db.session.expire_all()
    return db.session.query(ChannelStockState).filter_by(channel_id=channel.id, platform_sku=key).one()


# --- the adapters over HTTP --------------------------------------------------------------------

def test_shopify_sets_the_inventory_level_of_a_variant_at_its_location_and_refuses_unknown_items(sandboxes):
    shop = ShopifyAdapter(sandboxes["shopify"].base_url, shopify_store.DEFAULT_TOKEN, sleep=lambda s: None)
    assert shop.push_stock([{"platform_sku": f"shopify-variant-{VARIANT}", "qty": 7}]) == [
        {"platform_sku": f"shopify-variant-{VARIANT}", "ok": True, "error": None}]
    assert shopify_level(sandboxes) == 7
    [unknown] = shop.push_stock([{"platform_sku": "999", "qty": 1}])
    assert not unknown["ok"] and "INVALID_INVENTORY_ITEM" in unknown["error"]
    [text] = shop.push_stock([{"platform_sku": "TEA-LJ-250", "qty": 1}])
    assert not text["ok"] and "shopify-variant" in text["error"]
    with pytest.raises(Exception):
        shop.push_stock([{"platform_sku": "1", "qty": 1}] * (shop.stock_batch_size + 1))
    seen = requests.get(f"{sandboxes['shopify'].base_url}/_sandbox/requests").json()["requests"]
    assert [r["path"].rsplit("/", 1)[-1] for r in seen].count("locations.json") == 1  # read once


def test_shopify_sets_a_whole_batch_in_one_graphql_call_and_answers_a_refused_entry_per_sku(sandboxes):
    """inventorySetQuantities sets nothing when it refuses an entry: the refused one is answered as refused,
    the others are sent again and set; a level nobody refused is never left unset."""
    state = sandboxes["shopify"].state
    items = [state.add_variant(VARIANT + n, f"B-{n}", 0) for n in range(1, 6)]
    shop = ShopifyAdapter(sandboxes["shopify"].base_url, shopify_store.DEFAULT_TOKEN, sleep=lambda s: None,
                          location_id=shopify_inventory.LOCATION_ID)
    batch = [{"platform_sku": str(item), "qty": 10 + n} for n, item in enumerate(items)]
    batch.insert(2, {"platform_sku": "777", "qty": 3})  # no such inventory item
    answers = shop.push_stock(batch)
    assert [a["platform_sku"] for a in answers] == [b["platform_sku"] for b in batch]
    assert [a["ok"] for a in answers] == [True, True, False, True, True, True]
    assert "INVALID_INVENTORY_ITEM" in answers[2]["error"]
    assert [state.levels[item] for item in items] == [10, 11, 12, 13, 14]
    calls = [r for r in state.requests if r[1].endswith("/graphql.json")]
    assert len(calls) == 2  # the batch, then the batch without its refused entry
    twice = shop.push_stock([{"platform_sku": str(items[0]), "qty": 1}] * 2)  # the same item twice in one batch
    assert [a["ok"] for a in twice] == [True, False] and "NO_DUPLICATE" in twice[1]["error"]


def test_shopify_graphql_throttling_is_waited_out_and_a_bad_token_raises(sandboxes):
    item = sandboxes["shopify"].state.add_variant(VARIANT + 9, "T", 0)
    slept = []
    shop = ShopifyAdapter(sandboxes["shopify"].base_url, shopify_store.DEFAULT_TOKEN, sleep=slept.append,
                          location_id=shopify_inventory.LOCATION_ID)
    sandboxes["shopify"].state.faults += [(429, "1")] * 2
    assert shop.push_stock([{"platform_sku": str(item), "qty": 4}])[0]["ok"]
    assert len(slept) == 2 and sandboxes["shopify"].state.levels[item] == 4
    sandboxes["shopify"].state.faults += [(429, "1")] * 10
    from wms.channels.base import ChannelUnavailable

    with pytest.raises(ChannelUnavailable):
        shop.push_stock([{"platform_sku": str(item), "qty": 5}])
    sandboxes["shopify"].state.faults.clear()
    assert sandboxes["shopify"].state.levels[item] == 4


def test_shopify_auth_failure_is_raised_not_answered_per_item(sandboxes):
    shop = ShopifyAdapter(sandboxes["shopify"].base_url, "wrong", sleep=lambda s: None, location_id=1)
    from wms.channels.base import ChannelAuthFailed

    with pytest.raises(ChannelAuthFailed):
        shop.push_stock([{"platform_sku": "1", "qty": 1}])


def test_taobao_sets_a_sku_by_its_key_or_its_merchant_code_and_refuses_unknown_ones(sandboxes):
    top = TaobaoAdapter(sandboxes["taobao"].base_url, taobao_store.DEFAULT_APP_KEY, taobao_store.DEFAULT_SECRET,
                        taobao_store.DEFAULT_SESSION, sleep=lambda s: None)
    assert top.push_stock([{"platform_sku": TB_SKU, "qty": 5}])[0]["ok"]
    assert taobao_qty(sandboxes) == 5
    assert top.push_stock([{"platform_sku": "TEA-LJ-250", "qty": 3}])[0]["ok"]  # merchant code, looked up
    assert taobao_qty(sandboxes) == 3
    [gone] = top.push_stock([{"platform_sku": "tb-1-2", "qty": 1}])
    assert not gone["ok"] and "isv.item-not-exist" in gone["error"]
    [nobody] = top.push_stock([{"platform_sku": "NO-SUCH-CODE", "qty": 1}])
    assert not nobody["ok"] and "NO-SUCH-CODE" in nobody["error"]
    [negative] = top.push_stock([{"platform_sku": TB_SKU, "qty": -1}])
    assert not negative["ok"] and taobao_qty(sandboxes) == 3
    sent = [r for r in sandboxes["taobao"].state.requests if r["method"] == "taobao.item.quantity.update"]
    assert sent[0]["type"] == "1" and sent[0]["num_iid"] == TB_ITEM and sent[0]["sku_id"] == TB_SKU_ID


def test_taobao_sets_the_skus_of_one_item_in_one_call_and_answers_a_refused_one_per_sku(sandboxes):
    """skus.quantity.update sets nothing when one SKU is refused and does not say which: the batch's SKUs are
    then set one by one, so the refused one alone is answered as refused."""
    state = sandboxes["taobao"].state
    for n in range(4):
        state.add_item(700_000_000_001, 5_000_000_000_100 + n, f"BATCH-{n}", 0)
    top = TaobaoAdapter(sandboxes["taobao"].base_url, taobao_store.DEFAULT_APP_KEY, taobao_store.DEFAULT_SECRET,
                        taobao_store.DEFAULT_SESSION, sleep=lambda s: None)
    keys = [f"tb-700000000001-{5_000_000_000_100 + n}" for n in range(4)]
    assert len({top.stock_group(key) for key in keys}) == 1 and top.stock_group(TB_SKU) != top.stock_group(keys[0])
    assert all(a["ok"] for a in top.push_stock([{"platform_sku": key, "qty": 6 + n} for n, key in enumerate(keys)]))
    sent = [r for r in state.requests if r["method"].endswith("quantity.update")]
    assert [r["method"] for r in sent] == ["taobao.skus.quantity.update"] and sent[0]["type"] == "1"
    assert [s["quantity"] for s in state.items[700_000_000_001]["skus"].values()] == [6, 7, 8, 9]
    answers = top.push_stock([{"platform_sku": keys[0], "qty": 1}, {"platform_sku": "tb-700000000001-42", "qty": 2},
                              {"platform_sku": keys[1], "qty": 3}])
    assert [a["ok"] for a in answers] == [True, False, True] and "isv.sku-not-exist" in answers[1]["error"]
    assert [s["quantity"] for s in state.items[700_000_000_001]["skus"].values()] == [1, 3, 8, 9]
    with pytest.raises(Exception):
        top.push_stock([{"platform_sku": keys[0], "qty": 1}] * 21)


# --- the whole path ----------------------------------------------------------------------------

def test_a_receipt_reaches_every_store_with_its_share_fixed_quantity_and_safety_stock(stores, sandboxes):
    stock_sync_desk.set_rule(stores["tmall"].id, 50)
    stock_sync_desk.set_rule(stores["jd"].id, 100, fixed_qty=4)
    stock_sync_desk.set_safety_stock(stores["sku"].id, 1)
    receive_stock(stores["warehouse"].id, [(stores["sku"].id, stores["bin"].id, 10)])
    assert db.session.query(StockMark).count() >= 1
    stock_sync.collect_marks()
    assert db.session.query(StockMark).count() == 0
    assert (shopify_level(sandboxes), taobao_qty(sandboxes), jd_qty(sandboxes)) == (9, 4, 4)
    state = state_of(stores["tmall"], TB_SKU)
    assert (state.pushed_qty, state.needs_push, state.last_error) == (4, False, None)
    adjust_stock(stores["bin"].id, stores["sku"].id, -7, "breakage")
    stock_sync.collect_marks()
    assert (shopify_level(sandboxes), taobao_qty(sandboxes), jd_qty(sandboxes)) == (2, 1, 2)


def test_an_allocation_and_its_release_move_every_store(stores, sandboxes):
    receive_stock(stores["warehouse"].id, [(stores["sku"].id, stores["bin"].id, 3)])
    stock_sync.collect_marks()
    order = make_order(stores["jd"], "J1", lines=(("TEA-LJ-250", 2),), status="approved")
    assert allocate_orders([order.id])["allocated"] == [order.id]
    stock_sync.collect_marks()
    assert (shopify_level(sandboxes), taobao_qty(sandboxes), jd_qty(sandboxes)) == (1, 1, 1)
    release_reservation(order.id, reason="cancelled")
    stock_sync.collect_marks()
    assert (shopify_level(sandboxes), taobao_qty(sandboxes), jd_qty(sandboxes)) == (3, 3, 3)


def test_a_kit_sells_as_many_as_its_scarcest_component_allows(stores, sandboxes):
    cup = make_sku("MUG-CER-350", barcodes=("6900000000350",))
    stock_sync_desk.set_kit(stores["jd"].id, "100012345603", [(stores["sku"].id, 2), (cup.id, 1)])
    receive_stock(stores["warehouse"].id, [(stores["sku"].id, stores["bin"].id, 9), (cup.id, stores["bin"].id, 3)])
    stock_sync.collect_marks()
    stock = requests.get(f"{sandboxes['jd'].base_url}/_sandbox/stock").json()["stock"]
    assert (stock["100012345603"], stock[JD_SKU]) == (3, 9)
    adjust_stock(stores["bin"].id, stores["sku"].id, -4, "damaged")  # 5 tea left: 2 kits
    stock_sync.collect_marks()
    assert requests.get(f"{sandboxes['jd'].base_url}/_sandbox/stock").json()["stock"]["100012345603"] == 2
    with pytest.raises(ValidationFailed):
        stock_sync_desk.set_kit(stores["jd"].id, "100012345603", [(stores["sku"].id, 0)])


def test_a_paused_store_hears_nothing_until_it_is_resumed_and_push_all_pushes_unchanged_ones(stores, sandboxes):
    stock_sync_desk.set_paused(stores["shop"].id, True, actor="supervisor")
    receive_stock(stores["warehouse"].id, [(stores["sku"].id, stores["bin"].id, 6)])
    stock_sync.collect_marks()
    assert shopify_level(sandboxes) == 0 and jd_qty(sandboxes) == 6
    assert stock_sync_desk.stock_status(stores["shop"].id)["waiting"] == 1
    stock_sync_desk.set_paused(stores["shop"].id, False)
    assert shopify_level(sandboxes) == 6
    calls = len(sandboxes["jd"].state.requests)
    stock_sync.collect_marks()  # nothing moved: nothing pushed
    assert len(sandboxes["jd"].state.requests) == calls
    assert stock_sync_desk.push_all_now(stores["jd"].id) == 1
    assert len(sandboxes["jd"].state.requests) == calls + 1 and jd_qty(sandboxes) == 6


def test_a_refused_sku_keeps_its_error_and_waits_its_backoff_the_others_go_through(stores, sandboxes):
    db.session.add(SkuMapping(channel_id=stores["jd"].id, platform_sku="100099999999", sku_id=stores["sku"].id))
    db.session.commit()
    receive_stock(stores["warehouse"].id, [(stores["sku"].id, stores["bin"].id, 2)])
    stock_sync.collect_marks()
    refused = state_of(stores["jd"], "100099999999")
    assert refused.needs_push and refused.last_error and refused.failures == 1 and refused.retry_at > refused.error_at
    assert jd_qty(sandboxes) == 2 and state_of(stores["jd"], JD_SKU).last_error is None
    status = stock_sync_desk.stock_status(stores["jd"].id)
    assert status["failing"] == 1 and [row.platform_sku for row in status["errors"]] == ["100099999999"]
    assert stock_sync.enqueue_due_pushes() == []  # not before its retry_at


def test_an_unreachable_platform_is_recorded_per_sku_and_nothing_is_lost(stores, sandboxes):
    sandboxes["shopify"].state.faults += [(503, "0")] * 50
    # one attempt: the gateway's back-off would otherwise sleep for real (its sleep is bound at import)
    stores["shop"].settings = {**stores["shop"].settings, "max_attempts": 1}
    db.session.commit()
    receive_stock(stores["warehouse"].id, [(stores["sku"].id, stores["bin"].id, 4)])
    stock_sync.collect_marks()
    state = state_of(stores["shop"], f"shopify-variant-{VARIANT}")
    assert state.needs_push and "503" in state.last_error and state.pushed_qty is None
    assert jd_qty(sandboxes) == 4  # the other stores are not held up


def test_hostile_rule_values_are_refused_and_change_nothing(stores):
    for share, fixed in (("-1", None), ("101", None), ("5.5", None), ("x", None), ("50", "-3"), (True, None)):
        with pytest.raises(ValidationFailed):
            stock_sync_desk.set_rule(stores["jd"].id, share, fixed)
    assert stock_sync.store_rule(stores["jd"].id) == stock_sync.rules.StoreRule(100, None)


def test_the_last_unit_sold_on_two_platforms_at_once_never_shows_either_store_more_than_it_may_sell(
        app, stores, sandboxes):
    receive_stock(stores["warehouse"].id, [(stores["sku"].id, stores["bin"].id, 1)])
    stock_sync.collect_marks()
    assert (taobao_qty(sandboxes), jd_qty(sandboxes)) == (1, 1)
    orders = [make_order(stores["tmall"], "T-last", lines=(("TEA-LJ-250", 1),), status="approved").id,
              make_order(stores["jd"], "J-last", lines=(("TEA-LJ-250", 1),), status="approved").id]
    outcomes, barrier = {}, threading.Barrier(3)

    def sell(order_id):
        with app.app_context():
            barrier.wait()
            outcomes[order_id] = allocate_orders([order_id])
            db.session.remove()

    def sync():
        with app.app_context():
            barrier.wait()
            for _ in range(3):
                stock_sync.collect_marks()
            db.session.remove()

    threads = [threading.Thread(target=sell, args=(o,)) for o in orders] + [threading.Thread(target=sync)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    stock_sync.collect_marks()
    allocated = [o for o in orders if outcomes[o]["allocated"]]
    assert len(allocated) == 1  # one sale got the unit, the other waits for stock
    assert (shopify_level(sandboxes), taobao_qty(sandboxes), jd_qty(sandboxes)) == (0, 0, 0)
    # every quantity either store was ever told after the sales began is at most the one unit, and the last is 0
    for sandbox, method, field in (("taobao", "taobao.item.quantity.update", "quantity"),):  # one SKU: item.quantity.update
        told = [int(r[field]) for r in sandboxes[sandbox].state.requests if r.get("method") == method]
        assert told[-1] == 0 and max(told) <= 1


def test_a_batch_refusing_one_sku_through_the_push_run_records_it_alone_and_retries_it_after_its_backoff(
        stores, sandboxes):
    """Over real HTTP: one inventorySetQuantities batch carries three SKUs, Shopify refuses one; the other two
    are pushed and recorded, the refused one keeps its error, waits its backoff, and is pushed once it exists."""
    state = sandboxes["shopify"].state
    known = [state.add_variant(VARIANT + n, f"P-{n}", 0) for n in (1, 2)]
    missing = VARIANT + 3 + shopify_inventory.INVENTORY_ITEM_OFFSET  # no such inventory item yet
    skus = [make_sku(f"PART-{n}", barcodes=(f"690000000071{n}",)) for n in range(3)]
    keys = [str(known[0]), str(missing), str(known[1])]
    db.session.add_all([SkuMapping(channel_id=stores["shop"].id, platform_sku=key, sku_id=sku.id)
                        for key, sku in zip(keys, skus)])
    db.session.commit()
    receive_stock(stores["warehouse"].id, [(sku.id, stores["bin"].id, 3 + n) for n, sku in enumerate(skus)])
    stock_sync.collect_marks()
    assert (state.levels[known[0]], state.levels[known[1]]) == (3, 5)
    assert len([r for r in state.requests if r[1].endswith("/graphql.json")]) == 2  # the batch, then without the refused
    refused = state_of(stores["shop"], str(missing))
    assert refused.needs_push and "INVALID_INVENTORY_ITEM" in refused.last_error and refused.failures == 1
    assert refused.retry_at > refused.error_at and refused.pushed_qty is None
    assert all(state_of(stores["shop"], key).pushed_qty == qty and not state_of(stores["shop"], key).needs_push
               for key, qty in ((keys[0], 3), (keys[2], 5)))
    assert stores["shop"].id not in stock_sync.enqueue_due_pushes()  # not before its backoff
    state.add_variant(VARIANT + 3, "P-3", 0)
    db.session.query(ChannelStockState).filter_by(id=refused.id).update({"retry_at": refused.error_at})
    db.session.commit()
    assert stores["shop"].id in stock_sync.enqueue_due_pushes()  # RQ_SYNC: pushed now
    again = state_of(stores["shop"], str(missing))
    assert (again.pushed_qty, again.needs_push, again.last_error, again.failures) == (4, False, None, 0)
    assert state.levels[missing] == 4


def test_a_taobao_item_batch_refusing_one_sku_through_the_push_run_pushes_the_others(stores, sandboxes):
    state = sandboxes["taobao"].state
    for n in range(2):
        state.add_item(700_000_000_002, 5_000_000_000_200 + n, f"TB-PART-{n}", 0)
    keys = ["tb-700000000002-5000000000200", "tb-700000000002-5000000000299", "tb-700000000002-5000000000201"]
    skus = [make_sku(f"TBP-{n}", barcodes=(f"690000000072{n}",)) for n in range(3)]
    db.session.add_all([SkuMapping(channel_id=stores["tmall"].id, platform_sku=key, sku_id=sku.id)
                        for key, sku in zip(keys, skus)])
    db.session.commit()
    receive_stock(stores["warehouse"].id, [(sku.id, stores["bin"].id, 2 + n) for n, sku in enumerate(skus)])
    stock_sync.collect_marks()
    assert [s["quantity"] for s in state.items[700_000_000_002]["skus"].values()] == [2, 4]
    assert [state_of(stores["tmall"], key).pushed_qty for key in keys] == [2, None, 4]
    assert "isv.sku-not-exist" in state_of(stores["tmall"], keys[1]).last_error
    methods = [r["method"] for r in state.requests if r["method"].endswith("quantity.update")]
    assert methods[0] == "taobao.skus.quantity.update" and methods.count("taobao.item.quantity.update") == 3


def test_a_taobao_batch_waits_out_a_call_limit_and_a_refused_session_fails_the_whole_call(sandboxes):
    state = sandboxes["taobao"].state
    for n in range(2):
        state.add_item(700_000_000_003, 5_000_000_000_300 + n, f"TB-LIM-{n}", 0)
    keys = [f"tb-700000000003-{5_000_000_000_300 + n}" for n in range(2)]
    slept = []
    top = TaobaoAdapter(sandboxes["taobao"].base_url, taobao_store.DEFAULT_APP_KEY, taobao_store.DEFAULT_SECRET,
                        taobao_store.DEFAULT_SESSION, sleep=slept.append)
    state.faults += [1, 1]  # code 7 App Call Limited twice, "this ban will last for 1 more seconds"
    assert all(a["ok"] for a in top.push_stock([{"platform_sku": key, "qty": 5} for key in keys]))
    assert slept == [1, 1] and [s["quantity"] for s in state.items[700_000_000_003]["skus"].values()] == [5, 5]
    from wms.channels.base import ChannelAuthFailed

    stranger = TaobaoAdapter(sandboxes["taobao"].base_url, taobao_store.DEFAULT_APP_KEY, taobao_store.DEFAULT_SECRET,
                             "not-the-session", sleep=slept.append)
    with pytest.raises(ChannelAuthFailed):
        stranger.push_stock([{"platform_sku": key, "qty": 9} for key in keys])
    assert [s["quantity"] for s in state.items[700_000_000_003]["skus"].values()] == [5, 5]
