"""A hypothesis state machine over a small warehouse: random desk, floor, channel, job and after-sales
actions, and after every step the things that must always hold (issue 14, item 5; issue 21: conservation
holds through after-sales):

- stock is conserved: each stock row's on hand is its ledger's sum (receipts, shipments, adjustments,
  counts, shorts, restocked returns), its reserved is the sum of its open reservations, nothing is
  negative; what a return restocked is on the ledger as `return` movements into its bins and nothing
  else is (a line graded damaged or wrong item is written off: it never touches stock), and no order
  line comes back more often than it was ordered;
- no order is stranded: every order is terminal or has a next step (wms.orders.next_steps over the
  facts read from the tables, the same function the supervisor's stuck list uses; an exchange's
  replacement held for the returned goods waits for the returns dock), and no order is left
  `approved` after the allocation job ran;
- the wall's counters equal a rebuild from the tables;
- per order, the refunds its after-sales cases recorded never exceed what the buyer paid (and equal
  its refund total); an order held for returned goods is the replacement of an exchange still waiting
  for them, and such a replacement stays held until they are back (or a person overrides the hold).

Every walk starts with one order seen through to the dock and a case of a drawn kind on it (refund
only, return and refund, exchange - waiting for the goods or not - or re-shipment); the rules then
open more cases, receive returns for them or unannounced (matched later), grade each line resellable
(restocked into a bin) or damaged / wrong item (written off), record, send or mark refunds done,
finish or close cases; the replacement orders flow through review, allocation, waves, picking,
packing and the dock like any other. A refused action must be a domain error (`_try`).

Used by tests/services/test_no_order_is_stranded.py (SQLite) and the PostgreSQL suite.
"""
import itertools
import os
import tempfile
import uuid
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

from config.settings import TestConfig, database_url
from wms.errors import DomainError

SKUS = ("SKU-0", "SKU-1", "SKU-2")
CASE_KINDS = ("refund_only", "return_refund", "exchange", "reship")   # wms.aftersales.case_states.KINDS
THROUGH_STEPS = 10     # the steps from imported to shipped, and a few to spare
GRADES = ("resellable", "damaged", "wrong_item")                       # wms.aftersales.returns.GRADES
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
        self.has_cases = False   # rules on cases wait for the first (no case is ever deleted)
        for lines in ((("SKU-1", 2), ("SKU-2", 1)), (("SKU-0", 1),), (("SKU-2", 2),)):
            self.import_an_order(list(lines))
        self.an_order_is_seen_through_to_the_dock(0)   # after-sales has a shipped order from the first step

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
        self.channel_id = self.channel.id
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

        from wms.aftersales.case_models import AfterSalesCase

        made_here = set(self.db.session.scalars(select(AfterSalesCase.replacement_order_id)))  # the store never saw
        order = self._order([i for i in self._ids() if i not in made_here], index)
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
        from wms.shipping import waybill_failures

        for parcel in waybill_failures.waybill_failed_queue():
            self._try(waybill_failures.retry_waybill, parcel.id)

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

    # --- after-sales (a reviewer or supervisor on the after-sales desk, the returns dock) ----------

    def _case_ids(self, *case_states, kinds=(), refund_status=None):
        from wms.aftersales.case_models import AfterSalesCase

        self.db.session.rollback()
        query = select(AfterSalesCase.id).order_by(AfterSalesCase.id)
        if case_states:
            query = query.where(AfterSalesCase.state.in_(case_states))
        if kinds:
            query = query.where(AfterSalesCase.kind.in_(kinds))
        if refund_status is not None:
            query = query.where(AfterSalesCase.refund_status == refund_status)
        return list(self.db.session.scalars(query))

    def _case(self, ids, index):
        from wms.aftersales.case_models import AfterSalesCase

        return self.db.session.get(AfterSalesCase, ids[index % len(ids)]) if ids else None

    @rule(index=st.integers(0, 50), kind=st.sampled_from(CASE_KINDS), qty=st.integers(0, 3),
          refund=st.sampled_from((None, None, 300, 1000, 10 ** 6)), waits=st.sampled_from((None, True, False)))
    def a_reviewer_opens_a_case(self, index, kind, qty, refund, waits):
        """On a shipped (or later) order; a refund only on any order. A refund above what was paid, a line
        taken by another case or a goods case before shipping is refused."""
        from wms.aftersales import cases
        from wms.aftersales.case_states import REFUND_ONLY

        order = self._order(self._ids(*cases.AFTER_SHIPPING) if kind != REFUND_ONLY else self._ids(), index)
        if order is None or not order.lines:
            return
        line = order.lines[index % len(order.lines)]
        qty = min(qty, line.qty) or line.qty + 1   # 0: one more than was ordered (refused)
        lines = [] if kind == REFUND_ONLY else [{"order_line_id": line.id, "qty": qty}]
        case = self._try(cases.open_case, order.id, kind, reason="wrong size", actor=self.reviewer, lines=lines,
                         refund_cents=refund, waits_for_return=waits, return_carrier="SF",
                         return_tracking_number=f"RT{order.id}{kind[:2]}")
        self.has_cases = self.has_cases or case is not None

    @initialize(kind=st.sampled_from(CASE_KINDS), qty=st.integers(1, 3), refund=st.sampled_from((None, 300, 1000)),
                waits=st.sampled_from((None, True, False)))
    def a_first_case_on_the_shipped_order(self, kind, qty, refund, waits):
        """Every walk starts with a case of some kind on the order __init__ shipped (the rule above draws the
        refusals)."""
        from wms.aftersales.case_states import REFUNDS

        self.a_reviewer_opens_a_case(0, kind, qty, refund if kind in REFUNDS else None, waits)

    @rule(waits=st.booleans())
    def a_supervisor_sets_whether_exchanges_wait_for_the_goods(self, waits):
        from wms.aftersales import case_settings

        case_settings.set_store_waits(self.channel_id, waits, actor=self.reviewer)

    @rule(index=st.integers(0, 50), announced=st.booleans(), grades=st.lists(st.sampled_from(GRADES), min_size=1,
                                                                              max_size=2),
          bin_index=st.integers(0, 7), confirm_mixed=st.booleans())
    def a_return_is_received(self, index, announced, grades, bin_index, confirm_mixed):
        """For a case waiting for its goods, or an unannounced parcel on any returnable order (matched to a
        case later); each line graded: resellable goes into a bin, damaged or wrong item is written off."""
        from wms.aftersales import case_states as cs
        from wms.aftersales import returns

        if announced:
            case = self._case(self._case_ids(cs.OPEN, cs.WAITING_RETURN, kinds=cs.EXPECTS_GOODS), index)
            if case is None:
                return
            order_id, case_id, wanted = case.order_id, case.id, [(line.order_line_id, line.sku_id, line.qty)
                                                                  for line in case.lines]
        else:
            order = self._order(self._ids(*returns.RETURNABLE), index)
            if order is None or not order.lines:
                return
            line = order.lines[index % len(order.lines)]
            order_id, case_id, wanted = order.id, None, [(line.id, line.sku_id, 1)]
        self._receive(order_id, case_id, wanted, grades, bin_index, confirm_mixed)

    def _receive(self, order_id, case_id, wanted, grades, bin_index, confirm_mixed):
        from wms.aftersales import returns

        lines = []
        for number, (order_line_id, sku_id, qty) in enumerate(wanted):
            parts = [1, qty - 1] if qty > 1 and len(grades) > 1 else [qty]   # a parcel may hold both grades
            for part, grade in zip(parts, grades[number % len(grades):] + grades):
                bin_id = self._bin_for(sku_id, bin_index)
                lines.append({"order_line_id": order_line_id, "qty": part, "grade": grade, "bin_id": bin_id})
        self._try(returns.receive_return, order_id, lines, actor=self.reviewer, reference=f"RT{order_id}",
                  confirm_mixed=confirm_mixed, case_id=case_id)

    def _bin_for(self, sku_id, bin_index):
        """Mostly one of the SKU's own bins; now and then a stranger's (refused unless confirmed)."""
        own = [bin_id for bin_id, sku in self.bins if sku == sku_id]
        if bin_index % 4 == 3 or not own:
            return self.bins[bin_index][0]
        return own[bin_index % len(own)]

    @precondition(lambda self: self.has_cases)
    @rule(index=st.integers(0, 10), case_index=st.integers(0, 10))
    def an_unannounced_return_is_matched_to_a_case(self, index, case_index):
        from wms.aftersales import case_states as cs
        from wms.aftersales import cases
        from wms.aftersales.models import ReturnReceipt

        self.db.session.rollback()
        receipts = list(self.db.session.execute(select(ReturnReceipt.id, ReturnReceipt.order_id)
                                                .where(ReturnReceipt.case_id.is_(None)).order_by(ReturnReceipt.id)))
        waiting = self._case_ids(cs.OPEN, cs.WAITING_RETURN, kinds=cs.EXPECTS_GOODS)
        if not receipts or not waiting:
            return
        receipt_id, order_id = receipts[index % len(receipts)]
        own = [c for c in waiting if self._case([c], 0).order_id == order_id]
        case = self._case(own or waiting, case_index)   # another order's case is refused
        self._try(cases.match_receipt, case.id, receipt_id, actor=self.reviewer)

    @precondition(lambda self: self.has_cases)
    @rule(index=st.integers(0, 10), action=st.sampled_from(("record", "send", "done")),
          amount=st.sampled_from((100, 700, 2500, 10 ** 6)))
    def a_refund_is_recorded_or_made(self, index, action, amount):
        """Recorded on a refund's case (never above what the order's buyer paid, over all its cases), sent
        (refused: the store's platform takes no refunds from us) or marked done by hand."""
        from wms.aftersales import case_states as cs
        from wms.aftersales import refund_steps

        if action == "record":
            case = self._case(self._case_ids(kinds=cs.REFUNDS), index)
        else:
            case = self._case(self._case_ids(refund_status=cs.REFUND_PENDING) or self._case_ids(), index)
        if case is None:
            return
        if action == "record":
            self._try(refund_steps.record_refund, case.id, amount, actor=self.reviewer)
        elif action == "send":
            self._try(refund_steps.send_refund, case.id, actor=self.reviewer)
        else:
            self._try(refund_steps.mark_refund_done, case.id, actor=self.reviewer, reference="paid back by hand")

    @precondition(lambda self: self.has_cases)
    @rule(index=st.integers(0, 10), how=st.sampled_from(("finish", "close")))
    def a_case_is_finished_or_closed(self, index, how):
        """An exchange or re-shipment finished once its replacement left (refused before); any case closed
        (withdrawn), cancelling a replacement not yet on the floor (one on the floor is refused)."""
        from wms.aftersales import case_states as cs
        from wms.aftersales import cases

        live = [state for state in cs.STATES if state not in cs.TERMINAL]
        case = self._case(self._case_ids(*live, kinds=cs.MAKES_ORDER if how == "finish" else ()), index)
        if case is None:
            return
        if how == "finish":
            self._try(cases.finish, case.id, actor=self.reviewer)
        else:
            self._try(cases.close, case.id, "the buyer withdrew it", actor=self.reviewer)

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

    @rule(index=st.integers(0, 50))
    def an_order_is_seen_through_to_the_dock(self, index):
        """One order's next steps taken one after another until it ships (or nothing moves it): shipped
        orders are what after-sales works on."""
        from wms.orders import states

        order = self._order(self._ids(), index)
        for _ in range(THROUGH_STEPS):
            if order is None or order.status not in states.BEFORE_SHIPPING or not self._next_step_of(order):
                return
            order = self._order([order.id], 0)

    def _next_step(self, index):
        order = self._order(self._ids(), index)
        if order is not None:
            self._next_step_of(order)

    def _next_step_of(self, order):
        """Take the order's first next step; False when it has none."""
        from wms.review.progress import order_facts
        from wms.orders import next_steps

        steps = next_steps.next_steps(order_facts([order.id])[order.id])
        if steps:
            getattr(self, f"_step_{steps[0].code}")(order)
        return bool(steps)

    def _step_review(self, order):
        from wms.review.services import review_orders

        review_orders([order.id])

    def _step_approve(self, order):
        self.a_reviewer_approves(self._ids().index(order.id))

    def _step_receive_return(self, order):
        """The parcel of the exchange this replacement waits for comes back: an unannounced one already
        received is matched, else it is received for the case."""
        from wms.aftersales import case_queries, cases
        from wms.aftersales.case_models import AfterSalesCase

        case = self.db.session.scalar(select(AfterSalesCase).where(AfterSalesCase.replacement_order_id == order.id))
        unmatched = case_queries.unmatched_receipts(case.order_id)
        if unmatched:
            self._try(cases.match_receipt, case.id, unmatched[0].id, actor=self.reviewer)
        else:
            self._receive(case.order_id, case.id, [(line.order_line_id, line.sku_id, line.qty) for line in case.lines],
                          ["resellable"], 0, False)

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
    def after_sales_keeps_money_goods_and_holds_right(self):
        """The after-sales invariants below, each read once there is something for it (a case, a return)."""
        from wms.aftersales.case_models import AfterSalesCase
        from wms.aftersales.models import ReturnReceipt

        self.db.session.rollback()
        any_case, any_return = self.db.session.execute(select(select(AfterSalesCase.id).exists(),
                                                              select(ReturnReceipt.id).exists())).one()
        if any_case:
            self._refunds_never_exceed_what_was_paid()
            self._a_replacement_waits_only_for_goods_that_can_still_come()
        if any_return:
            self._returns_are_on_the_ledger()

    def _refunds_never_exceed_what_was_paid(self):
        """Per paid order (a split's parts together), the refunds its cases recorded (to make, sent or made)
        are its refund total's, within what the buyer paid (the total's paid, or the parts' totals before any
        refund made the row); a case without a refund holds no amount."""
        from wms.aftersales import case_states as cs
        from wms.aftersales.case_models import AfterSalesCase, OrderRefundTotal
        from wms.orders.models import Order

        # a split part's refunds count against its root's total (what the buyer paid for all the parts)
        parent = dict(self.db.session.execute(select(Order.id, Order.split_from_id)).all())
        totals = dict(self.db.session.execute(select(Order.id, Order.total_cents)).all())

        def root(order_id):
            while parent.get(order_id) is not None:
                order_id = parent[order_id]
            return order_id

        recorded, paid = {}, {}
        for order_id, cents in self.db.session.execute(select(AfterSalesCase.order_id, AfterSalesCase.refund_cents)
                                                       .where(AfterSalesCase.refund_status != cs.REFUND_NONE)):
            recorded[root(order_id)] = recorded.get(root(order_id), 0) + cents
        for order_id, cents in totals.items():
            paid[root(order_id)] = paid.get(root(order_id), 0) + cents
        rows_of_totals = dict(((o, (r, p)) for o, r, p in self.db.session.execute(
            select(OrderRefundTotal.order_id, OrderRefundTotal.refunded_cents, OrderRefundTotal.paid_cents))))
        rows = [(order_id, recorded.get(order_id, 0), rows_of_totals.get(order_id, (0, None))[0],
                 rows_of_totals.get(order_id, (0, paid.get(order_id, 0)))[1])
                for order_id in set(recorded) | set(rows_of_totals)]
        assert all(root(order_id) == order_id for order_id in rows_of_totals), ("a split part has a total", rows)
        wrong = [row for row in rows if row[2] != row[1] or row[1] > row[3]]
        assert wrong == [], ("order, recorded, refund total, paid", wrong)
        stray = self.db.session.execute(select(AfterSalesCase.id, AfterSalesCase.refund_cents).where(
            AfterSalesCase.refund_status == cs.REFUND_NONE, AfterSalesCase.refund_cents != 0)).all()
        assert stray == [], stray

    def _returns_are_on_the_ledger(self):
        """What came back resellable is on the ledger as return movements into its bins (nothing else is);
        what was written off never touches stock; no order line comes back more often than it was ordered."""
        from wms.aftersales.models import RESTOCK, ReturnLine, ReturnReceipt
        from wms.inventory.models import RETURN, StockMovement
        from wms.orders.models import OrderLine

        restocked = dict(((b, s), n) for b, s, n in self.db.session.execute(
            select(ReturnLine.bin_id, ReturnLine.sku_id, func.sum(ReturnLine.qty)).where(ReturnLine.result == RESTOCK)
            .group_by(ReturnLine.bin_id, ReturnLine.sku_id)))
        moved = dict(((b, s), n) for b, s, n in self.db.session.execute(
            select(StockMovement.bin_id, StockMovement.sku_id, func.sum(StockMovement.qty))
            .where(StockMovement.kind == RETURN).group_by(StockMovement.bin_id, StockMovement.sku_id)))
        assert restocked == moved, ("returns vs ledger", restocked, moved)
        over = self.db.session.execute(
            select(OrderLine.id, OrderLine.qty, func.sum(ReturnLine.qty)).join(ReturnLine,
                                                                              ReturnLine.order_line_id == OrderLine.id)
            .join(ReturnReceipt).where(ReturnReceipt.order_id == OrderLine.order_id)
            .group_by(OrderLine.id, OrderLine.qty).having(func.sum(ReturnLine.qty) > OrderLine.qty)).all()
        assert over == [], ("returned more than ordered", over)

    def _a_replacement_waits_only_for_goods_that_can_still_come(self):
        """An order held for returned goods is the replacement of an exchange still waiting for them (else
        its next step, receiving them, could never be taken), and such a replacement stays held."""
        from wms.aftersales import case_states as cs
        from wms.aftersales.case_models import AfterSalesCase
        from wms.orders import next_steps, states
        from wms.orders.models import Order, OrderEvent

        waiting = dict(self.db.session.execute(
            select(AfterSalesCase.replacement_order_id, AfterSalesCase.waits_for_return).where(
                AfterSalesCase.kind == cs.EXCHANGE, AfterSalesCase.state.in_((cs.OPEN, cs.WAITING_RETURN)))).all())
        rows = self.db.session.execute(select(Order.id, Order.status, Order.hold_reasons, Order.merged_into_id).where(
            Order.id.in_(list(waiting)) | (Order.status == states.ON_HOLD))).all()
        held = {order_id for order_id, status, reasons, _m in rows if status == states.ON_HOLD
                and next_steps.AWAITING_RETURN in [reason.get("code") for reason in reasons or []]}
        assert held <= set(waiting), ("held for goods no case waits for", held - set(waiting))
        # and the other way: a store's waiting exchange keeps its replacement held until the goods are back,
        # unless a person overrode the hold (approved it with a reason) or it was cancelled (not merged away:
        # its goods would leave on another order)
        early = [order_id for order_id, status, _r, merged_into in rows if waiting.get(order_id)
                 and (status not in (states.ON_HOLD, states.CANCELLED) or merged_into is not None)]
        if early:
            overridden = set(self.db.session.scalars(select(OrderEvent.order_id).where(
                OrderEvent.order_id.in_(early), OrderEvent.from_state == states.ON_HOLD,
                OrderEvent.reason.like("override:%"))))
            early = [order_id for order_id in early if order_id not in overridden]
        assert early == [], ("a replacement left before the goods it waits for", self._timelines(early))

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
