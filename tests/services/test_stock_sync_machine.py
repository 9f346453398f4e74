"""After any sequence of stock moves, once the stock sync has run, every store's quantity on its
platform (read back from the sandboxes over HTTP) is the formula's: on hand - reserved - safety stock,
the store's share or fixed quantity, kits by their scarcest component."""
import requests
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import delete

from tests.builders import make_order, make_sku
from tests.builders_inventory import make_bin, make_warehouse
from tests.builders_jd import make_jd_channel
from tests.builders_taobao import make_taobao_channel
from wms.channels import stock_sync, stock_sync_desk
from wms.channels.mapping_models import SkuMapping
from wms.channels.sandbox import jd as jd_sandbox
from wms.channels.sandbox import taobao as taobao_sandbox
from wms.channels.stock_models import ChannelStockState, SkuSafetyStock
from wms.channels.stock_sync_rules import StoreRule, free_stock, listing_quantity
from wms.errors import InsufficientStock
from wms.extensions import db
from wms.inventory.models import OrderAllocation, Reservation, StockItem, StockMovement
from wms.inventory.services import adjust_stock, allocate_orders, available, count_bin, receive_stock, release_reservation
from wms.orders.models import Order
from wms.stock_marks import StockMark

JD_A, JD_KIT = "100012345601", "100012345603"
TB_A, TB_B = "tb-612345678901-4876543210001", "tb-612345678903-4876543210003"


def test_last_pushed_quantities_follow_any_sequence_of_stock_moves(app):
    world = build_world()
    try:
        StockMoves.world = world
        run_state_machine_as_test(StockMoves, settings=settings(max_examples=8, stateful_step_count=10, deadline=None))
    finally:
        for sandbox in world["sandboxes"]:
            sandbox.stop()


def build_world():
    jd, tb = jd_sandbox.start_in_thread(), taobao_sandbox.start_in_thread()
    a, b = make_sku("TEA-LJ-250"), make_sku("MUG-CER-350", barcodes=("6900000000350",))
    jd_store, tb_store = make_jd_channel(jd.base_url), make_taobao_channel(tb.base_url)
    db.session.add_all([SkuMapping(channel_id=jd_store.id, platform_sku=JD_A, sku_id=a.id),
                        SkuMapping(channel_id=tb_store.id, platform_sku=TB_A, sku_id=a.id),
                        SkuMapping(channel_id=tb_store.id, platform_sku=TB_B, sku_id=b.id)])
    db.session.commit()
    stock_sync_desk.set_kit(jd_store.id, JD_KIT, [(a.id, 2), (b.id, 1)])
    stock_sync_desk.set_rule(tb_store.id, 60)
    warehouse = make_warehouse()
    bins = [make_bin(warehouse, code=f"A-01-0{n}-1") for n in (1, 2)]
    return {"sandboxes": (jd, tb), "skus": (a.id, b.id), "bins": [x.id for x in bins], "warehouse": warehouse.id,
            "jd": jd_store.id, "tb": tb_store.id}


class StockMoves(RuleBasedStateMachine):
    world = None

    @initialize()
    def fresh_stock(self):
        for model in (Reservation, OrderAllocation, StockMovement, StockItem, StockMark, ChannelStockState, SkuSafetyStock):
            db.session.execute(delete(model))
        db.session.execute(delete(Order))
        db.session.commit()
        db.session.expunge_all()  # the rows deleted above must not be served from the identity map
        self.orders, self.numbers = [], 0
        for channel_id in (self.world["jd"], self.world["tb"]):
            stock_sync_desk.push_all_now(channel_id)  # every store starts told 0

    @rule(sku=st.integers(0, 1), bin_=st.integers(0, 1), qty=st.integers(1, 7))
    def receive(self, sku, bin_, qty):
        receive_stock(self.world["warehouse"], [(self.world["skus"][sku], self.world["bins"][bin_], qty)])

    @rule(sku=st.integers(0, 1), bin_=st.integers(0, 1), qty=st.integers(1, 4))
    def take_away(self, sku, bin_, qty):
        if db.session.query(StockItem).filter_by(bin_id=self.world["bins"][bin_], sku_id=self.world["skus"][sku]).first() is None:
            return  # adjust_stock on a row that does not exist yet fails inside inventory (see the report)
        try:
            adjust_stock(self.world["bins"][bin_], self.world["skus"][sku], -qty, "damaged")
        except InsufficientStock:
            pass

    @rule(sku=st.integers(0, 1), bin_=st.integers(0, 1), qty=st.integers(0, 6))
    def count(self, sku, bin_, qty):
        try:
            count_bin(self.world["bins"][bin_], {self.world["skus"][sku]: qty})
        except InsufficientStock:
            pass

    @rule(sku=st.integers(0, 1), qty=st.integers(1, 3))
    def sell(self, sku, qty):
        self.numbers += 1
        code = ("TEA-LJ-250", "MUG-CER-350")[sku]
        order = make_order(None, f"M{self.numbers}", lines=((code, qty),), status="approved")
        if allocate_orders([order.id])["allocated"]:
            self.orders.append(order.id)

    @precondition(lambda self: self.orders)
    @rule(index=st.integers(0, 10))
    def cancel(self, index):
        release_reservation(self.orders.pop(index % len(self.orders)), reason="cancelled")

    @rule(safety=st.integers(0, 3))
    def keep_back(self, safety):
        stock_sync_desk.set_safety_stock(self.world["skus"][0], safety)

    @rule()
    def sync(self):
        stock_sync.collect_marks()
        self.check_stores()

    def check_stores(self):
        a, b = self.world["skus"]
        db.session.expire_all()
        safety = {row.sku_id: row.qty for row in db.session.query(SkuSafetyStock)}
        free = {sku: free_stock(available(sku)["available"], 0, safety.get(sku, 0)) for sku in (a, b)}
        expected_jd = {JD_A: listing_quantity([(a, 1)], free, StoreRule()),
                       JD_KIT: listing_quantity([(a, 2), (b, 1)], free, StoreRule())}
        expected_tb = {TB_A: listing_quantity([(a, 1)], free, StoreRule(60)),
                       TB_B: listing_quantity([(b, 1)], free, StoreRule(60))}
        jd, tb = self.world["sandboxes"]
        jd_stock = requests.get(f"{jd.base_url}/_sandbox/stock").json()["stock"]
        tb_items = requests.get(f"{tb.base_url}/_sandbox/stock").json()["items"]
        assert {key: jd_stock[key] for key in expected_jd} == expected_jd
        assert {key: tb_items[key.split("-")[1]]["skus"][key.split("-")[2]] for key in expected_tb} == expected_tb

    @invariant()
    def no_store_was_told_of_stock_that_is_not_there(self):
        db.session.expire_all()
        for state in db.session.query(ChannelStockState).filter(ChannelStockState.pushed_qty.is_not(None)):
            assert state.pushed_qty >= 0
