"""The 店小秘 flow under random sequences (hypothesis stateful), against the Kuaidi100 sandbox over HTTP:
orders' waybills requested in bulk (the carrier refusing some), failures retried or moved to another
carrier, orders picked, sealed at the station, cancelled by the desk or intercepted. After every step:
an order has at most one live early waybill; the carrier made at most one waybill per request key;
every waybill the carrier made is in use (issued, or sealed into the parcel) or cancelled exactly once;
a sealed order's parcel carries its early waybill's number and no second one was asked for."""
import itertools
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import select

from config.settings import TestConfig
from wms.errors import DomainError
from wms.shipping.carriers.sandbox import Sandbox

class EarlyWaybillFlow(RuleBasedStateMachine):
    """One fresh SQLite database and Kuaidi100 sandbox per example (request keys restart with the ids)."""

    def __init__(self):
        super().__init__()
        from wms import create_app
        from wms.extensions import db

        self.tmp = tempfile.TemporaryDirectory()

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{self.tmp.name}/early.sqlite"
            UPLOAD_DIR = Path(self.tmp.name)

        self.app = create_app(Config)
        self.ctx = self.app.app_context()
        self.ctx.push()
        db.drop_all()
        db.create_all()
        self.db = db
        self.refs = itertools.count(1)
        self.box = Sandbox(hang_s=0.3).start()
        self._world()

    def teardown(self):
        self.box.stop()
        self.db.session.remove()
        self.db.drop_all()
        self.ctx.pop()
        self.tmp.cleanup()

    def _world(self):
        from tests.builders_packing import make_carrier
        from tests.builders_waybill_desk import early_warehouse, stocked

        stocked(early_warehouse(), (("SKU-A", 50),))
        make_carrier("SF", settings=self.box.settings(timeout_s=0.2))
        make_carrier("YTO", "圆通", settings=self.box.settings(kuaidicom="yuantong", timeout_s=0.2))

    def _orders(self, *statuses):
        from wms.orders.models import Order

        self.db.session.expire_all()
        return self.db.session.scalars(select(Order).where(Order.status.in_(statuses)).order_by(Order.id)).all()

    def _rows(self):
        from wms.shipping.models import EarlyWaybill

        self.db.session.expire_all()
        return self.db.session.scalars(select(EarlyWaybill).order_by(EarlyWaybill.id)).all()

    def _try(self, action, *args, **kwargs):
        try:
            return action(*args, **kwargs)
        except DomainError:
            self.db.session.rollback()
            return None

    @rule(n=st.integers(1, 3))
    def orders_are_reviewed_and_allocated(self, n):
        from tests.builders_waybill_desk import allocated_orders

        allocated_orders([f"M{next(self.refs)}" for _ in range(n)])

    @rule(fault=st.sampled_from([None, None, "address_rejected", "quota", "timeout"]))
    def every_waiting_order_is_requested(self, fault):
        from wms.waybill_desk import services as desk

        if fault:
            self.box.fail_next(fault)
        self._try(desk.request_waybills)

    @rule(data=st.data(), change=st.booleans())
    def a_failure_is_retried_or_moved_to_the_other_carrier(self, data, change):
        from wms.shipping import early_waybills

        failed = [row for row in self._rows() if row.status == "failed"]
        if not failed:
            return
        row = data.draw(st.sampled_from(failed))
        if change:
            self._try(early_waybills.change_carrier, row.id, "YTO" if row.carrier_code == "SF" else "SF")
        else:
            self._try(early_waybills.retry, row.id)

    @rule(data=st.data())
    def an_order_is_picked(self, data):
        orders = self._orders("allocated")
        if not orders:
            return
        order = data.draw(st.sampled_from(orders))
        for state in ("waved", "picking", "picked"):
            order.transition_to(state, reason="picked in the test")
        self.db.session.commit()

    @rule(data=st.data())
    def a_picked_order_is_sealed(self, data):
        from wms.shipping import waybills

        orders = self._orders("picked")
        if not orders:
            return
        order = data.draw(st.sampled_from(orders))
        self._try(waybills.seal_parcel, order.id, seal_uuid=f"seal-{order.id}", station_code="PS-1",
                  carton_code="C1", weight_g=400)

    @rule(data=st.data(), by_channel=st.booleans())
    def an_order_is_cancelled(self, data, by_channel):
        from wms.aftersales.services import intercept_order
        from wms.review import services as review

        orders = self._orders("allocated", "backorder", "waved", "picking", "picked", "labelled")
        if not orders:
            return
        order = data.draw(st.sampled_from(orders))
        if by_channel or order.status not in ("backorder",):
            self._try(intercept_order, order.id, "buyer cancelled")
        else:
            self._try(review.cancel_order, order.id, reason="buyer asked", actor=None, expected_version=order.version)

    @invariant()
    def an_order_has_at_most_one_live_early_waybill(self):
        live = Counter(row.order_id for row in self._rows() if row.live_order_id is not None)
        assert all(n == 1 for n in live.values()), live
        assert all(row.live_order_id in (None, row.order_id) for row in self._rows())

    @invariant()
    def every_waybill_the_carrier_made_is_in_use_or_cancelled_once(self):
        rows = {f"E{row.id}": row for row in self._rows()}
        from wms.shipping.models import Parcel

        made = {key: number for key, number in self.box.by_order.items() if key[1] in rows}
        assert all(key[1].startswith(("E", "P")) for key in self.box.by_order)
        cancels = Counter(param.get("kuaidinum") for method, param in self.box.requests if method == "cancel")
        assert all(n == 1 for n in cancels.values()), cancels
        for (_com, order_key), number in made.items():
            row = rows[order_key]
            cancelled = self.box.waybills[number]["status"] == "cancelled"
            if row.status == "issued":
                assert row.tracking_number == number and not cancelled
            elif row.status == "used":   # sealed: cancelled only with its parcel's void
                parcel = self.db.session.get(Parcel, row.parcel_id)
                assert row.tracking_number == number and cancelled == (parcel.status == "voided")
            elif row.status == "voided":
                assert row.tracking_number == number and cancelled
            else:   # a timeout made it but the row never learnt its number: failed, or given up (dropped)
                assert row.status in ("failed", "dropped") and row.tracking_number is None, row.status

    @invariant()
    def a_sealed_order_carries_its_early_waybill_without_a_second(self):
        from wms.shipping.models import Parcel

        for row in self._rows():
            if row.status == "used":
                parcel = self.db.session.get(Parcel, row.parcel_id)
                assert parcel.tracking_number == row.tracking_number
                asked = [param for method, param in self.box.requests
                         if method == "order" and param.get("orderId") == f"P{parcel.id}"]
                assert asked == [], "a sealed order with an early waybill asked the carrier again"

    @invariant()
    def a_cancelled_order_keeps_no_live_waybill(self):
        from wms.orders.models import Order

        cancelled = set(self.db.session.scalars(select(Order.id).where(Order.status == "cancelled")))
        live = {row.order_id for row in self._rows() if row.live_order_id is not None}
        assert not cancelled & live, "a cancelled order's waybill was not voided (its job ran inline)"


EarlyWaybillFlow.TestCase.settings = settings(max_examples=15, stateful_step_count=20, deadline=None,
                                              suppress_health_check=[HealthCheck.too_slow])
TestEarlyWaybillFlow = EarlyWaybillFlow.TestCase
