"""A hypothesis state machine over a small warehouse: random desk, floor, channel and job actions, and
after every step the three things that must always hold (issue 14, item 5):

- stock is conserved: each stock row's on hand is its ledger's sum (receipts, shipments, adjustments,
  counts, shorts), its reserved is the sum of its open reservations, nothing is negative;
- no order is stranded: every order is terminal or has a next step (wms.orders.next_steps over the
  facts read from the tables, the same function the supervisor's stuck list uses), and no order is
  left `approved` after the allocation job ran;
- the wall's counters equal a rebuild from the tables.

Used by tests/services/test_no_order_is_stranded.py (SQLite) and the PostgreSQL suite.
"""
import itertools
import os
import tempfile
import uuid
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select

from config.settings import TestConfig, database_url
from wms.errors import DomainError

SKUS = ("SKU-0", "SKU-1", "SKU-2")
EXPECTED_REFUSALS = (DomainError,)


class FakeCarrier:
    """A carrier adapter that answers at once; `failing` makes the next waybill requests fail."""

    failing = False
    numbers = itertools.count(1)

    def create_waybill(self, request):
        from wms.shipping.carriers.base import WaybillError, WaybillResult

        if FakeCarrier.failing:
            raise WaybillError("carrier_error", "the carrier is down", retryable=False)
        return WaybillResult(tracking_number=f"SF{next(FakeCarrier.numbers):010d}")

    def cancel_waybill(self, tracking_number, carrier_order_id, reason):
        return True


class OrderFlow(RuleBasedStateMachine):
    """One fresh database per example (SQLite file, or TEST_DATABASE_URL's schema recreated)."""

    def __init__(self):
        super().__init__()
        from wms import create_app
        from wms.extensions import db

        self.tmp = tempfile.TemporaryDirectory()

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = (database_url(os.environ.get("TEST_DATABASE_URL"))
                                       or f"sqlite:///{self.tmp.name}/flow.sqlite")
            UPLOAD_DIR = Path(self.tmp.name) / "uploads"

        self.app = create_app(Config)
        self.ctx = self.app.app_context()
        self.ctx.push()
        db.drop_all()
        db.create_all()
        self.db = db
        self._patches = []
        self._patch("wms.shipping.waybills", "carrier_adapter", lambda carrier: FakeCarrier())
        self._patch("wms.shipping.waybills", "_render", lambda parcel, carrier: None)
        FakeCarrier.failing = False
        self._world()
        self.next_ref = itertools.count(1)
        for lines in ((("SKU-0", 1),), (("SKU-1", 2), ("SKU-2", 1)), (("SKU-2", 2),)):
            self.import_an_order(list(lines))

    def _patch(self, module, name, value):
        import importlib

        target = importlib.import_module(module)
        self._patches.append((target, name, getattr(target, name)))
        setattr(target, name, value)

    def teardown(self):
        for target, name, value in reversed(self._patches):
            setattr(target, name, value)
        self.db.session.remove()
        self.db.drop_all()
        self.ctx.pop()
        self.tmp.cleanup()

    def _world(self):
        from tests.builders import make_channel, make_sku, make_user
        from tests.builders_handover import make_carrier
        from tests.builders_inventory import make_bin, make_warehouse, put_stock
        from wms.catalog.models import Sku

        self.warehouse = make_warehouse(n_aisles=2, n_blocks=1, aisle_length_m=10.0)
        self.bins = []
        for i, code in enumerate(SKUS):
            sku = make_sku(code=code, barcodes=(f"690000000{i:04d}",), name=f"商品 {i}")
            for j in range(2):  # two bins per SKU: a short pick at one leaves the other
                bin_ = make_bin(self.warehouse, code=f"A-{j:02d}-{i:02d}-1", aisle=j, position_m=2.0 + 2 * i)
                put_stock(bin_, sku, 4)
                self.bins.append((bin_.id, sku.id))
        second = make_warehouse(code="SH1", region="上海市", n_aisles=1, n_blocks=1, aisle_length_m=10.0)
        for i, code in enumerate(SKUS[:2]):  # some stock elsewhere: an order short here may ship split
            bin_ = make_bin(second, code=f"S-00-{i:02d}-1", aisle=0, position_m=2.0 + i)
            put_stock(bin_, self.db.session.scalar(select(Sku).where(Sku.code == code)), 2)
            self.bins.append((bin_.id, self.db.session.scalar(select(Sku.id).where(Sku.code == code))))
        self.channel = make_channel()
        make_carrier("SF")
        self.reviewer = make_user("reviewer", "rev")
        self.picker = make_user("picker", "pick")
        self.packer = make_user("packer", "pack")

    # --- helpers ---------------------------------------------------------------------------

    def _ids(self, *statuses):
        from wms.orders.models import Order

        self.db.session.rollback()
        query = select(Order.id).order_by(Order.id)
        if statuses:
            query = query.where(Order.status.in_(statuses))
        return list(self.db.session.scalars(query))

    def _order(self, ids, index):
        from wms.orders.models import Order

        if not ids:
            return None
        return self.db.session.get(Order, ids[index % len(ids)])

    def _try(self, fn, *args, **kwargs):
        """Run one action; a refusal must be a domain error (a clear answer), leaving nothing half done."""
        try:
            return fn(*args, **kwargs)
        except EXPECTED_REFUSALS:
            self.db.session.rollback()
            return None

    # --- channel ---------------------------------------------------------------------------

    @rule(lines=st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 3)), min_size=1, max_size=2,
                         unique_by=lambda line: line[0]))
    def import_an_order(self, lines):
        from tests.builders_imports import record
        from wms.imports.services import import_order_records

        ref = f"F{next(self.next_ref)}"
        import_order_records(self.channel.id, [record(ref, lines=[(c, q, 1000) for c, q in lines],
                                                      carrier_code="SF")])

    @rule(index=st.integers(0, 50), qty=st.integers(1, 3))
    def the_channel_updates_an_order(self, index, qty):
        from tests.builders_imports import record
        from wms.imports.services import import_order_records

        order = self._order(self._ids(), index)
        if order is None:
            return
        lines = [(line.sku_code, line.qty + qty, 1000) for line in order.lines] or [("SKU-0", qty, 1000)]
        import_order_records(self.channel.id, [record(order.external_id, lines=lines, carrier_code="SF")])

    # --- desk ------------------------------------------------------------------------------

    @rule(index=st.integers(0, 50))
    def a_reviewer_approves(self, index):
        from wms.orders import states
        from wms.review import services

        order = self._order(self._ids(), index)
        if order is not None:
            reason = "checked" if order.status == states.ON_HOLD else ""
            self._try(services.approve_order, order.id, actor=self.reviewer, expected_version=order.version,
                      reason=reason)

    @rule(index=st.integers(0, 50))
    def a_reviewer_holds(self, index):
        from wms.review import services

        order = self._order(self._ids(), index)
        if order is not None:
            self._try(services.hold_order, order.id, reason="call the buyer", actor=self.reviewer,
                      expected_version=order.version)

    @rule(index=st.integers(0, 50))
    def a_reviewer_edits(self, index):
        from wms.review import services

        order = self._order(self._ids(), index)
        if order is not None:
            self._try(services.edit_order, order.id, changes={"buyer_remark": f"note {uuid.uuid4().hex[:6]}"},
                      actor=self.reviewer, expected_version=order.version)

    @rule(a=st.integers(0, 50), b=st.integers(0, 50))
    def a_reviewer_merges(self, a, b):
        from wms.review import services

        ids = self._ids()
        target, other = self._order(ids, a), self._order(ids, b)
        if target is not None and other is not None and target.id != other.id:
            self._try(services.merge_orders, target.id, [other.id], actor=self.reviewer,
                      expected_version=target.version)

    @rule(index=st.integers(0, 50), qty=st.integers(1, 3))
    def a_reviewer_splits(self, index, qty):
        from wms.review import services

        order = self._order(self._ids(), index)
        if order is not None and order.lines:
            line = order.lines[0]
            self._try(services.split_order, order.id, {line.id: qty}, actor=self.reviewer,
                      expected_version=order.version)

    @rule(index=st.integers(0, 50), how=st.sampled_from(("desk", "channel", "reviewer")))
    def an_order_is_cancelled(self, index, how):
        """At the desk (editable states only), or an intercept from the channel or a reviewer (any state)."""
        from wms.aftersales.services import intercept_order
        from wms.review import services

        order = self._order(self._ids(), index)
        if order is None:
            return
        if how == "desk":
            self._try(services.cancel_order, order.id, reason="duplicate", actor=self.reviewer,
                      expected_version=order.version)
        else:
            self._try(intercept_order, order.id, "buyer cancelled", source=how, actor=self.reviewer)

    @rule(index=st.integers(0, 50))
    def a_reviewer_reruns_the_checks(self, index):
        from wms.review import services

        order = self._order(self._ids(), index)
        if order is not None:
            self._try(services.release_order, order.id, actor=self.reviewer, expected_version=order.version)

    @rule(index=st.integers(0, 10))
    def a_supervisor_withdraws_a_wave(self, index):
        from wms.picking import services
        from wms.picking.models import Wave

        waves = list(self.db.session.scalars(select(Wave.id).order_by(Wave.id)))
        if waves:
            self._try(services.cancel_wave, waves[index % len(waves)], actor=self.reviewer)

    @rule(index=st.integers(0, 10))
    def a_supervisor_voids_a_label(self, index):
        from wms.shipping import waybills
        from wms.shipping.models import PARCEL_LABELLED, Parcel

        parcels = list(self.db.session.scalars(select(Parcel.id).where(Parcel.status == PARCEL_LABELLED)
                                               .order_by(Parcel.id)))
        if parcels:
            self._try(waybills.void_label, parcels[index % len(parcels)], actor=self.reviewer)

    # --- jobs ------------------------------------------------------------------------------

    @rule()
    def the_allocation_job_runs(self):
        from wms.inventory.services import allocate_orders
        from wms.orders import states

        allocate_orders(self._ids(states.APPROVED, states.BACKORDER))

    @rule()
    def the_auto_wave_runs(self):
        from wms.picking import services, waves

        from wms.inventory.models import Warehouse

        for warehouse_id in self.db.session.scalars(select(Warehouse.id).order_by(Warehouse.id)).all():
            self._try(services.release_wave, warehouse_id, limits=waves.WaveLimits(tote_slots=4), time_budget=0.02)

    @rule(allow_split=st.booleans())
    def a_supervisor_allows_or_forbids_split_shipments(self, allow_split):
        from wms.inventory.services import set_allocation_settings

        set_allocation_settings("distance", allow_split)

    @rule(failing=st.booleans())
    def the_carrier_goes_up_or_down(self, failing):
        FakeCarrier.failing = failing

    @rule()
    def the_waybill_job_retries(self):
        from wms.shipping import waybills

        for parcel in waybills.waybill_failed_queue():
            self._try(waybills.retry_waybill, parcel.id)

    @rule(bin_index=st.integers(0, 7), qty=st.integers(1, 4))
    def goods_are_received(self, bin_index, qty):
        from wms.inventory.stock import receive_stock

        bin_id, sku_id = self.bins[bin_index]
        from wms.inventory.models import Bin

        warehouse_id = self.db.session.get(Bin, bin_id).warehouse_id
        receive_stock(warehouse_id, [(sku_id, bin_id, qty)], reference="PO-1")

    @rule(bin_index=st.integers(0, 7), qty=st.integers(0, 6))
    def a_bin_is_counted(self, bin_index, qty):
        from wms.inventory.stock import count_bin

        bin_id, sku_id = self.bins[bin_index]
        self._try(count_bin, bin_id, {sku_id: qty})

    @rule(index=st.integers(0, 10), counted=st.integers(0, 6))
    def a_counter_settles_a_count_task(self, index, counted):
        """The count a short pick raised (wms.inventory.counts): the bin's stock set through the ledger."""
        from wms.inventory.counts import open_count_tasks

        tasks = open_count_tasks()
        if tasks:
            task = tasks[index % len(tasks)]
            answer = self._floor({"uuid": str(uuid.uuid4()), "kind": "count", "count_id": task["id"],
                                  "bin": task["bin"]["barcode"], "barcode": task["sku"]["barcodes"][0], "qty": counted,
                                  "seq": 1})
            assert answer["status"] == "accepted", answer

    def _floor(self, event):
        """A handheld event: accepted, or refused with a reason; never a server error hidden in an answer."""
        from wms.picking import floor


        answer = floor.apply_event(self.picker, "dev-1", event)
        assert answer.get("code") != "server_error", answer
        return answer

    # --- floor -----------------------------------------------------------------------------

    def _open_line(self, index):
        from wms.picking import services
        from wms.picking.models import LINE_OPEN, PickLine

        task = self._try(services.assign_next_task, self.picker, "dev-1")
        if task is None:
            return None
        self.db.session.expire_all()
        lines = list(self.db.session.scalars(select(PickLine).where(
            PickLine.task_id == task.id, PickLine.status == LINE_OPEN).order_by(PickLine.seq)))
        return lines[index % len(lines)] if lines else None

    @rule(index=st.integers(0, 10))
    def a_picker_picks_a_line(self, index):
        from tests.builders_floor import pick_event

        line = self._open_line(index)
        if line is not None:
            self._floor(pick_event(line, qty=line.qty - line.picked_qty))

    @rule(index=st.integers(0, 10), found=st.integers(0, 2))
    def a_picker_reports_a_short(self, index, found):
        from tests.builders_floor import short_event

        line = self._open_line(index)
        if line is not None:
            self._floor(short_event(line, found=min(found, line.qty - 1)))

    @rule(index=st.integers(0, 50))
    def a_packer_seals(self, index):
        from wms.orders import states
        from wms.shipping import waybills

        order = self._order(self._ids(states.PICKED, states.PACKED), index)
        if order is not None:
            self._try(waybills.seal_parcel, order.id, seal_uuid=str(uuid.uuid4()), station_code="PS-1",
                      carton_code="C2", weight_g=900, actor=self.packer)

    @rule()
    def the_dock_hands_over(self):
        from wms.handover import services
        from wms.orders import states
        from wms.shipping.models import PARCEL_LABELLED, Parcel

        labelled = self._ids(states.LABELLED)
        if not labelled:
            return
        manifest = services.open_manifest("SF")
        for number in self.db.session.scalars(select(Parcel.tracking_number).where(
                Parcel.order_id.in_(labelled), Parcel.status == PARCEL_LABELLED)).all():
            self._try(services.scan_parcel, manifest.id, number)
        self._try(services.close_manifest, manifest.id)

    # --- the next step, whoever takes it --------------------------------------------------------

    @rule(indexes=st.lists(st.integers(0, 50), min_size=1, max_size=4))
    def people_and_jobs_take_orders_next_steps(self, indexes):
        """The step wms.orders.next_steps names is one that can be taken (drives orders along the flow)."""
        for index in indexes:
            self._next_step(index)

    @rule(indexes=st.lists(st.integers(0, 50), min_size=1, max_size=4))
    def more_next_steps_are_taken(self, indexes):
        """The same again: the forward steps weigh as much as the detours."""
        for index in indexes:
            self._next_step(index)

    def _next_step(self, index):
        from wms.review.progress import order_facts
        from wms.orders import next_steps

        order = self._order(self._ids(), index)
        if order is None:
            return
        steps = next_steps.next_steps(order_facts([order.id])[order.id])
        if steps:
            getattr(self, f"_step_{steps[0].code}")(order)

    def _step_review(self, order):
        from wms.review.services import review_orders

        review_orders([order.id])

    def _step_approve(self, order):
        self.a_reviewer_approves(self._ids().index(order.id))

    def _step_allocate(self, order):
        from wms.inventory.services import allocate_orders

        allocate_orders([order.id])

    def _step_wave(self, order):
        self.the_auto_wave_runs()

    def _step_pick(self, order):
        for index in range(20):
            if self._open_line(0) is None:
                return
            self.a_picker_picks_a_line(0)

    def _step_pack(self, order):
        self.a_packer_seals(self._ids(order.status).index(order.id))

    def _step_waybill(self, order):
        from wms.shipping import waybills
        from wms.shipping.models import PARCEL_SEALED, Parcel

        for parcel_id in self.db.session.scalars(select(Parcel.id).where(Parcel.order_id == order.id,
                                                                         Parcel.status == PARCEL_SEALED)).all():
            waybills.request_waybill(parcel_id)

    def _step_retry_waybill(self, order):
        self.the_waybill_job_retries()

    def _step_ship(self, order):
        self.the_dock_hands_over()

    def _step_track(self, order):
        pass  # the carrier's news: tracking has its own tests

    # --- what always holds -------------------------------------------------------------------

    def _timelines(self, order_ids):
        from wms.orders.models import OrderEvent
        from wms.picking.models import PickLine

        events = self.db.session.execute(select(OrderEvent.order_id, OrderEvent.from_state, OrderEvent.to_state,
                                                OrderEvent.reason).where(OrderEvent.order_id.in_(list(order_ids)))
                                         .order_by(OrderEvent.id)).all()
        lines = self.db.session.execute(select(PickLine.order_id, PickLine.task_id, PickLine.status, PickLine.qty,
                                               PickLine.picked_qty).where(PickLine.order_id.in_(list(order_ids)))).all()
        return [tuple(e) for e in events], [tuple(line) for line in lines]

    @invariant()
    def stock_is_conserved(self):
        from wms.inventory.models import Reservation, StockItem, StockMovement

        self.db.session.rollback()
        ledger = dict(((b, s), n) for b, s, n in self.db.session.execute(
            select(StockMovement.bin_id, StockMovement.sku_id, func.sum(StockMovement.qty))
            .group_by(StockMovement.bin_id, StockMovement.sku_id)))
        reserved = dict(self.db.session.execute(select(Reservation.stock_item_id, func.sum(Reservation.qty))
                                                .group_by(Reservation.stock_item_id)).all())
        for item in self.db.session.scalars(select(StockItem)):
            row = (item.id, item.on_hand, item.reserved)
            assert item.on_hand == ledger.get((item.bin_id, item.sku_id), 0), ("ledger", row, ledger)
            assert item.reserved == reserved.get(item.id, 0), ("reservations", row, reserved)
            assert 0 <= item.reserved <= item.on_hand, ("negative or over-reserved", row)

    @invariant()
    def no_order_is_stranded(self):
        from wms.review.progress import order_facts
        from wms.orders import next_steps, states

        self.db.session.rollback()
        facts = order_facts()
        stranded = {order_id: f for order_id, f in facts.items() if next_steps.is_stranded(f)}
        assert stranded == {}, (stranded, self._timelines(stranded))
        # the allocation job runs after every approval (RQ_SYNC): an order still approved was dropped
        dropped = {i: f for i, f in facts.items() if f.status == states.APPROVED}
        assert dropped == {}, dropped

    @invariant()
    def the_wall_counters_equal_a_rebuild(self):
        from wms.dashboard import queries, services

        self.db.session.rollback()
        incremental = queries.all_counters()
        rebuilt = services.rebuild_metrics()
        assert rebuilt == incremental, (rebuilt, incremental)


def settings_for(max_examples, steps):
    from hypothesis import HealthCheck, Phase, settings

    phases = [Phase.explicit, Phase.reuse, Phase.generate]
    if not os.environ.get("FLOW_NO_SHRINK"):  # debugging: the first failure as found, at once
        phases.append(Phase.shrink)
    max_examples = int(os.environ.get("FLOW_EXAMPLES") or max_examples)  # a longer search by hand
    return settings(max_examples=max_examples, stateful_step_count=steps, deadline=None, phases=phases,
                    suppress_health_check=list(HealthCheck), print_blob=True)
