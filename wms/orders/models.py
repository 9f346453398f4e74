"""Sales channels, the orders they send, their lines, and the audit trail of every state change.

Channel lives here, with the orders, because every feature that reads orders reads their channel
(imports write into one, the review desk filters by it, API tokens are bound to channels); the
channels feature (adapters, sync, SKU mapping) sits high, above imports and review, and calls them.
"""
from datetime import datetime

from sqlalchemy import JSON, String, Text, bindparam, insert, text, update
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from wms.counters import services as counters
from wms.extensions import db
from wms.inputs import actor_name
from wms.orders import ship_by as ship_by_rule
from wms.orders import states
from wms.rawsql import Prepared, defer, execute_with_deferred
from wms.timeutil import utcnow
from wms.wording import english, is_wording, wording


class Channel(db.Model):
    """A store on a sales platform; orders are unique per channel + external id."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    platform: Mapped[str] = mapped_column(String(20), default="manual")  # manual | shopify | taobao
    # Adapter settings (API base URL, shop, credentials reference); never shown to non-admins.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    notifies_buyers: Mapped[bool] = mapped_column(default=False)
    virtual_shipping: Mapped[bool] = mapped_column(default=False)  # 虚拟发货: write back at label time
    # When this store's waybills are requested, over its warehouse's setting: "" (the warehouse's),
    # at_seal or after_allocation (wms.shipping.waybill_timing)
    waybill_timing: Mapped[str] = mapped_column(String(20), default="", server_default="")
    active: Mapped[bool] = mapped_column(default=True)
    sync_cursor: Mapped[str | None] = mapped_column(String(64))  # last updated_at seen by a sync
    last_synced_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The ship-by rule (wms.orders.ship_by) for orders whose platform promises none: paid before
    # this minute of the local day ships the same day, else within this many hours; None: no rule.
    ship_cutoff_minute: Mapped[int | None]
    ship_within_hours: Mapped[int | None]
    # How this store's presales (wms.orders.presale) go to allocation: "date" (on their ship-from
    # time) or "stock" (as soon as their stock is there, their ship-from time at the latest).
    presale_release: Mapped[str] = mapped_column(String(10), default="date", server_default="date")
    # 财审: this store's orders that match the finance rules wait for a finance user after the
    # customer review (wms.finance); off: the customer review's approval is the last word.
    finance_review: Mapped[bool] = mapped_column(default=False, server_default=text("false"))

    @property
    def ship_by_rule(self):
        return ship_by_rule.ShipByRule(self.ship_cutoff_minute, self.ship_within_hours)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (db.UniqueConstraint("channel_id", "external_id", name="uq_order_channel_external"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: uq_order_channel_external leads with it (every order insert maintains each index).
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id"))
    external_id: Mapped[str] = mapped_column(String(64))
    # Looked up through ix_orders_status_created (wms.review.models), which leads with it.
    status: Mapped[str] = mapped_column(String(20), default=states.IMPORTED)
    # Optimistic lock: two reviewers saving the same order -> the second gets ConcurrentUpdate.
    version: Mapped[int] = mapped_column(default=1)

    buyer_name: Mapped[str] = mapped_column(String(120), default="")
    buyer_phone: Mapped[str] = mapped_column(String(40), default="")
    buyer_email: Mapped[str] = mapped_column(String(255), default="")
    country: Mapped[str] = mapped_column(String(2), default="CN")
    province: Mapped[str] = mapped_column(String(60), default="")
    city: Mapped[str] = mapped_column(String(60), default="")
    district: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(500), default="")  # street, building, room
    postcode: Mapped[str] = mapped_column(String(20), default="")

    total_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    payment_status: Mapped[str] = mapped_column(String(20), default="paid")  # paid | pending | refunded
    # 货到付款: the buyer pays the carrier on delivery; 开发票: the buyer asked for an invoice (both read
    # by the finance rules, wms.finance.rules; fed by the adapters and the import where their data says so)
    cash_on_delivery: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    invoice_requested: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    buyer_remark: Mapped[str] = mapped_column(Text, default="")
    seller_note: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    priority: Mapped[int] = mapped_column(default=0)  # higher first
    carrier_code: Mapped[str | None] = mapped_column(String(40))
    # Every reason the order is on hold: [{"code": "address", "detail": "..."}]
    hold_reasons: Mapped[list] = mapped_column(JSON, default=list)
    # What a person should see but that does not hold the order (same shape as hold_reasons; the
    # review desk shows them as chips, e.g. a phone that does not validate, a mergeable twin);
    # a server default too, as the bulk import inserts rows without naming it
    flags: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    merged_into_id: Mapped[int | None] = mapped_column(db.ForeignKey("orders.id"))
    split_from_id: Mapped[int | None] = mapped_column(db.ForeignKey("orders.id"))

    ordered_at: Mapped[datetime | None]
    # Promised ship-by time (承诺发货时间, naive UTC): the platform's, else the channel's rule; None
    # for orders imported before there was one. Looked up through ix_orders_open_ship_by (below).
    ship_by: Mapped[datetime | None]
    # When the breach alert went out for it (wms.orders.deadlines): an order is alerted once.
    ship_by_alerted_at: Mapped[datetime | None]
    # Presale (预售, wms.orders.presale): the time it may ship from (naive UTC; None: not a presale),
    # when allocation first held it back as a presale, and when it was released to allocation.
    presale_ship_from: Mapped[datetime | None]
    presale_held_at: Mapped[datetime | None]
    presale_released_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    channel = relationship("Channel")
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id")
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.id")

    def transition_to(self, new, *, reason="", actor=None):
        """The only writer of `status`: checks the table and records the audit row (`reason`: a
        wording the server made, or a text a person typed; see audit_reason).

        Transitions: any pair allowed by states.TRANSITIONS.
        """
        states.check_transition(self.status, new)
        text, said = audit_reason(reason)
        self._record(OrderEvent(from_state=self.status, to_state=new, reason=text, wording=said,
                                actor_id=getattr(actor, "id", None), actor_name=actor_name(actor)))
        self.status = new
        if new != states.ON_HOLD:
            self.hold_reasons = []

    def note(self, text, *, actor=None, kind="note"):
        """Record a non-state event (an edit, a merge, a sync update) on the timeline; `text` as
        transition_to's reason."""
        text, said = audit_reason(text)
        self._record(OrderEvent(from_state=self.status, to_state=self.status, reason=text, wording=said, kind=kind,
                                actor_id=getattr(actor, "id", None), actor_name=actor_name(actor)))

    def _record(self, event):
        # Setting the many-to-one side queues the event on `events` without loading the whole
        # timeline (an append to an unloaded collection would load it: slow in bulk transitions).
        session = object_session(self)
        event.order = self
        if session is not None:
            session.add(event)

    @property
    def item_count(self):
        return sum(line.qty for line in self.lines)

    @property
    def hold_codes(self):
        return [reason["code"] for reason in self.hold_reasons or []]


def audit_reason(reason):
    """An audit row's (reason, wording) for what a caller gives as its reason: a wording (a sentence
    the server made, wms.wording) is kept with its English text, so each reader sees it in their
    language; a plain text (what a person typed) is stored as it is, without a wording."""
    if is_wording(reason):
        return english(reason), reason
    return reason or "", None


def bulk_transition(session, order_ids, current, new, *, reason="", actor=None):
    """Move many orders from `current` to `new` in two statements (a wave of 1,000 orders), with the
    same table check and one audit row each. With `transition_if_still` below, the only other writer
    of `status` besides `Order.transition_to`. Returns the number moved; every order must still be
    in `current`, so a concurrent change anywhere is a ConcurrentUpdate for the whole batch (the
    caller rolls back).
    """
    from wms.errors import ConcurrentUpdate

    states.check_transition(current, new)
    ids = list(order_ids)
    if not ids:
        return 0
    counting.count_bulk_transition(session, ids, current, new)  # before the update: it reads the hold reasons it clears
    moved = session.execute(_status_update(ids, current, new)).rowcount
    if moved != len(ids):
        raise ConcurrentUpdate.worded("{count} of these orders are no longer {status}; try again",
                                      count=len(ids) - moved, status=wording(current))
    _record_events(session, ids, current, new, reason, actor)
    return moved


def transition_if_still(session, order_id, current, new, *, reason="", actor=None):
    """Move one order from `current` to `new` if it still is in `current`: one conditional UPDATE
    and one audit row, compiled once (the scan path's first pick of an order). True if it moved;
    False if another transaction changed it first (the caller looks at what it is now). Neither
    side may be on_hold: those moves go through `Order.transition_to`, which keeps the reasons."""
    if states.ON_HOLD in (current, new):
        raise ValueError("transition_if_still does not move orders on or off hold; use Order.transition_to")
    states.check_transition(current, new)
    at = utcnow()
    # With the writes the caller deferred (one round trip on PostgreSQL); the audit row is deferred
    # in turn, to go with the transaction's next statement or its commit.
    cursor = execute_with_deferred(_MOVE_ONE, {"order_id": order_id, "current": current, "new": new, "at": at,
                                               "no_reasons": []}, session)
    moved = cursor.fetchone()
    cursor.close()
    if moved is None:
        return False
    counters.count_transition(session, moved[0], current, new)
    text, said = audit_reason(reason)
    defer(_AUDIT_ONE, {"order_id": order_id, "at": at, "kind": "state", "from_state": current, "to_state": new,
                       "reason": text, "wording": said, "actor_id": getattr(actor, "id", None),
                       "actor_name": actor_name(actor)}, session)
    return True



def _status_update(ids, current, new):
    return (update(Order).where(Order.id.in_(ids), Order.status == current)
            .values(status=new, version=Order.version + 1, updated_at=utcnow(),
                    hold_reasons=[] if new != states.ON_HOLD else Order.hold_reasons)
            .execution_options(synchronize_session=False))


def _record_events(session, ids, current, new, reason, actor):
    """One audit row per order moved."""
    at, actor_id, name = utcnow(), getattr(actor, "id", None), actor_name(actor)
    text, said = audit_reason(reason)
    session.execute(insert(OrderEvent), [
        dict(order_id=order_id, at=at, kind="state", from_state=current, to_state=new, reason=text, wording=said,
             actor_id=actor_id, actor_name=name) for order_id in ids])


# The desk's and the wall's due / overdue counts and the breach alert: open orders by state and
# ship-by, with the channel for the per-channel counts, read from the index alone (a range per
# state: the review desk's two states, the alert's eight). Partial: shipped and closed orders (most
# of the table) are not in it.
# The condition is literal SQL, in the index and in the queries (open_for_ship_by): SQLite uses a
# partial index only when the query holds the same term with the same literal values, never for a
# bound parameter list (which is what `status.in_(...)` sends).
_OPEN_STATES_SQL = "(" + ", ".join(f"'{state}'" for state in ship_by_rule.OPEN) + ")"
db.Index("ix_orders_open_ship_by", Order.status, Order.ship_by, Order.channel_id,
         postgresql_where=text("status IN " + _OPEN_STATES_SQL), sqlite_where=text("status IN " + _OPEN_STATES_SQL))


def open_for_ship_by():
    """The partial index ix_orders_open_ship_by's condition, as a query must say it to use the index."""
    return text("orders.status IN " + _OPEN_STATES_SQL)


class OrderLine(db.Model):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    sku_id: Mapped[int | None] = mapped_column(db.ForeignKey("skus.id"), index=True)  # None: unmatched
    sku_code: Mapped[str] = mapped_column(String(64))  # as the channel sent it
    name: Mapped[str] = mapped_column(String(255), default="")
    qty: Mapped[int]
    unit_price_cents: Mapped[int] = mapped_column(default=0)
    # The unit's list price before discounts (原价), None when the channel did not say (the finance
    # review's discount rule compares it with unit_price_cents, what the buyer paid).
    list_price_cents: Mapped[int | None]
    # 赠品: a line a gift rule added at review (wms.review.gifts): price 0, never part of the amount;
    # which rule added it (the rule's table lives with the review desk, wms.review.gift_models).
    is_gift: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    gift_rule_id: Mapped[int | None] = mapped_column(db.ForeignKey("gift_rules.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="lines")
    sku = relationship("Sku")


class OrderEvent(db.Model):
    """Audit row: who changed what, when, from which state to which, and why."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default="state")  # state | edit | note | import
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")  # in English (logs, APIs, rows older than wordings)
    # The reason's wording (wms.wording) when the server made it: each reader sees it in their
    # language (wms.i18n.event_text). NULL for what a person typed.
    wording: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="system")

    order: Mapped[Order] = relationship(back_populates="events")


# transition_if_still's statements (Prepared: compiled once per dialect)
_MOVE_ONE = Prepared(
    update(Order).where(Order.id == bindparam("order_id"), Order.status == bindparam("current"))
    .values(status=bindparam("new"), version=Order.version + 1, updated_at=bindparam("at"),
            hold_reasons=bindparam("no_reasons", type_=JSON))
    .returning(Order.carrier_code))
_AUDIT_ONE = Prepared(insert(OrderEvent).values(
    {name: bindparam(name) for name in ("order_id", "at", "kind", "from_state", "to_state", "reason", "actor_id",
                                        "actor_name")}
    | {"wording": bindparam("wording", type_=OrderEvent.__table__.c.wording.type)}))

# The flush listener that moves the counters with every order change (wms.orders.counting says why),
# registered with the model it watches.
from wms.orders import counting  # noqa: E402
