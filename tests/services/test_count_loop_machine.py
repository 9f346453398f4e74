"""The short-pick loop under random sequences (hypothesis stateful): orders allocated and waved, lines
picked or reported short, held orders approved again, goods received, count tasks counted on the
handheld. After every step: the ledger explains every stock row, reserved is the sum of the open
reservations and never above on hand, at most one open count task per bin and SKU, and no order off
the floor holds stock in a bin that waits for its count."""
import itertools
import os
import tempfile
import uuid
from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import func, select

from config.settings import TestConfig, database_url
from wms.errors import DomainError

SKUS = ("SKU-0", "SKU-1")


class CountLoop(RuleBasedStateMachine):
    """One fresh database per example (SQLite file, or TEST_DATABASE_URL's schema recreated)."""

    def __init__(self):
        super().__init__()
        from wms import create_app
        from wms.extensions import db

        self.tmp = tempfile.TemporaryDirectory()

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = (database_url(os.environ.get("TEST_DATABASE_URL"))
                                       or f"sqlite:///{self.tmp.name}/loop.sqlite")

        self.app = create_app(Config)
        self.ctx = self.app.app_context()
        self.ctx.push()
        db.drop_all()
        db.create_all()
        self.db = db
        self.refs = itertools.count(1)
        self._world()
        for sku, qty in (("SKU-0", 2), ("SKU-0", 1), ("SKU-1", 2)):  # work on the floor from the first step
            self.an_order_is_approved_and_allocated(sku, qty)
        self.a_wave_is_released_and_taken()
        for sku in SKUS:  # and orders waiting for the next wave, reserved in the same bins
            self.an_order_is_approved_and_allocated(sku, 1)

    def teardown(self):
        self.db.session.remove()
        self.db.drop_all()
        self.ctx.pop()
        self.tmp.cleanup()

    def _world(self):
        from tests.builders import make_channel, make_sku, make_user
        from tests.builders_inventory import make_bin, make_warehouse, put_stock

        self.warehouse = make_warehouse(n_aisles=2, n_blocks=1, aisle_length_m=10.0)
        self.bins = []
        for i, code in enumerate(SKUS):
            sku = make_sku(code=code, barcodes=(f"690000000{i:04d}",), name=f"商品 {i}")
            for j, qty in enumerate((6, 2)):  # two bins per SKU: a short pick at one may leave the other
                bin_ = make_bin(self.warehouse, code=f"A-{j:02d}-{i:02d}-1", aisle=j, position_m=2.0 + 2 * i)
                put_stock(bin_, sku, qty)
                self.bins.append((bin_.id, sku.id))
        self.channel = make_channel()
        self.picker = make_user("picker", "pick")
        self.reviewer = make_user("reviewer", "rev")

    def _send(self, event):
        from wms.picking import floor

        self.db.session.rollback()
        answer = floor.apply_event(self.picker, "dev-1", {"uuid": str(uuid.uuid4()), "seq": 1, **event})
        assert answer["status"] in ("accepted", "rejected") and answer.get("code") != "server_error", answer
        if os.environ.get("COUNT_LOOP_DEBUG"):
            print("LOOP", event["kind"], answer["status"], answer.get("code"))
        return answer

    def _open_lines(self):
        from wms.picking.models import LINE_OPEN, PickLine, PickTask

        self.db.session.rollback()
        return list(self.db.session.scalars(select(PickLine).join(PickTask, PickTask.id == PickLine.task_id)
                                            .where(PickLine.status == LINE_OPEN, PickTask.picker_id == self.picker.id)
                                            .order_by(PickLine.id)))

    # --- rules -----------------------------------------------------------------------------

    @rule(sku=st.sampled_from(SKUS), qty=st.integers(1, 3), to_the_floor=st.booleans())
    def an_order_is_approved_and_allocated(self, sku, qty, to_the_floor=False):
        from tests.builders import make_order
        from wms.inventory.services import allocate_orders

        order = make_order(channel=self.channel, external_id=f"L{next(self.refs)}", lines=[(sku, qty)],
                           status="approved")
        allocate_orders([order.id])
        if to_the_floor:
            self.a_wave_is_released_and_taken()

    @rule()
    def a_wave_is_released_and_taken(self):
        from wms.picking import services, waves

        self.db.session.rollback()
        try:
            services.release_wave(self.warehouse.id, limits=waves.WaveLimits(tote_slots=4), time_budget=0.02)
        except DomainError:
            self.db.session.rollback()
        services.assign_next_task(self.picker, "dev-1")  # the current task, or the next one claimed

    @rule(index=st.integers(0, 10))
    def a_picker_picks_a_line(self, index):
        lines = self._open_lines()
        if lines:
            line = lines[index % len(lines)]
            self._send({"kind": "pick", "line_id": line.id, "qty": line.qty - line.picked_qty,
                        "bin": line.bin.barcode, "barcode": line.sku.code})

    @rule(index=st.integers(0, 10), found=st.integers(0, 2))
    def a_picker_reports_a_short(self, index, found):
        lines = self._open_lines()
        if lines:
            line = lines[index % len(lines)]
            found = max(line.picked_qty, min(found, line.qty - 1))
            self._send({"kind": "short", "line_id": line.id, "found": found, "reason": "empty bin"})

    @rule(index=st.integers(0, 10), qty=st.integers(0, 6))
    def someone_counts_a_count_task(self, index, qty):
        from wms.inventory.models import CountTask

        self.db.session.rollback()
        tasks = list(self.db.session.scalars(select(CountTask).where(CountTask.status == "open")
                                             .order_by(CountTask.id)))
        if tasks:
            task = tasks[index % len(tasks)]
            answer = self._send({"kind": "count", "task_id": 0, "count_id": task.id, "qty": qty,
                                 "bin": task.bin.barcode, "barcode": task.sku.code})
            assert answer["status"] == "accepted", answer

    @rule(index=st.integers(0, 10))
    def a_reviewer_approves_a_held_order(self, index):
        from wms.orders.models import Order
        from wms.review.services import approve_order

        self.db.session.rollback()
        held = list(self.db.session.scalars(select(Order).where(Order.status == "on_hold").order_by(Order.id)))
        if held:
            order = held[index % len(held)]
            try:
                approve_order(order.id, actor=self.reviewer, expected_version=order.version, reason="recounted")
            except DomainError:
                self.db.session.rollback()

    @rule(bin_index=st.integers(0, 3), qty=st.integers(1, 3))
    def goods_are_received(self, bin_index, qty):
        from wms.inventory.services import receive_stock

        bin_id, sku_id = self.bins[bin_index]
        receive_stock(self.warehouse.id, [(sku_id, bin_id, qty)], reference="PO")

    # --- what always holds -----------------------------------------------------------------

    @invariant()
    def the_ledger_and_the_reservations_explain_every_stock_row(self):
        from wms.inventory.models import Reservation, StockItem
        from wms.inventory.services import recompute_on_hand

        self.db.session.rollback()
        assert recompute_on_hand() == []
        reserved = dict(self.db.session.execute(select(Reservation.stock_item_id, func.sum(Reservation.qty))
                                                .group_by(Reservation.stock_item_id)).all())
        for item in self.db.session.scalars(select(StockItem)):
            assert 0 <= item.reserved <= item.on_hand
            assert item.reserved == reserved.get(item.id, 0)

    @invariant()
    def a_bin_waiting_for_its_count_holds_no_stock_for_orders_off_the_floor(self):
        from wms.inventory.models import CountTask, Reservation, StockItem
        from wms.orders.models import Order

        self.db.session.rollback()
        open_tasks = Counter(self.db.session.execute(select(CountTask.bin_id, CountTask.sku_id)
                                                     .where(CountTask.status == "open")).all())
        assert all(n == 1 for n in open_tasks.values()), open_tasks
        rows = self.db.session.execute(
            select(StockItem.bin_id, StockItem.sku_id, Order.status)
            .join(Reservation, Reservation.stock_item_id == StockItem.id)
            .join(Order, Order.id == Reservation.order_id)).all()
        waiting = [(b, s, status) for b, s, status in rows if (b, s) in open_tasks
                   and status in ("allocated", "on_hold", "approved", "backorder")]
        assert waiting == []


TestCountLoop = CountLoop.TestCase
TestCountLoop.settings = settings(max_examples=10, stateful_step_count=30, deadline=None,
                                  suppress_health_check=list(HealthCheck), print_blob=True)
