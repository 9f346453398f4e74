"""Review settings: the switchable, ordered rules and the blacklist. Plus desk-query indexes."""
from datetime import datetime

from sqlalchemy import JSON, String, delete, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.orders.models import Order
from wms.timeutil import utcnow


class ReviewRule(db.Model):
    """One automatic check (rules.RULES code): on/off, its place in the run, its parameters."""

    __tablename__ = "review_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BlacklistEntry(db.Model):
    """A buyer name, phone or address that must never be approved automatically."""

    __tablename__ = "review_blacklist"
    __table_args__ = (db.UniqueConstraint("kind", "value_key", name="uq_blacklist_kind_value"),)

    KINDS = ("buyer", "phone", "address")

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # buyer | phone | address
    value: Mapped[str] = mapped_column(String(500))  # as typed
    value_key: Mapped[str] = mapped_column(String(500))  # normalised (rules.normalise)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# The desk filters and the duplicate check look orders up by these; the orders table is shared,
# so the indexes live with the feature that needs them (create_all / the migration pick them up).
db.Index("ix_orders_buyer_phone", Order.buyer_phone)
db.Index("ix_orders_status_created", Order.status, Order.created_at)
# An order number alone, without its channel (uq_order_channel_external leads with the channel): the
# desk's search (a prefix: pattern ops, so LIKE 'E123%' uses it whatever the collation), the parcel
# and return searches, the pack station's scan (equality, which pattern ops serve too).
db.Index("ix_orders_external_id", Order.external_id, postgresql_ops={"external_id": "varchar_pattern_ops"})
# The desk queue in its own order (wms.review.queue): a page of one state is a walk down this index,
# its ids read from the index alone however deep the page, instead of sorting every order of the state.
db.Index("ix_orders_desk_order", Order.status, Order.priority.desc(), Order.created_at, Order.id)
# The rules page's warning of currencies the amount rule has no threshold for (review.settings): the
# currencies orders used lately, as one probe per currency instead of reading 90 days of orders.
db.Index("ix_orders_currency_created", Order.currency, Order.created_at)


class OrderHoldCode(db.Model):
    """One row per (order, hold reason code): what the desk filters and counts by.

    Kept in step with Order.hold_reasons by a before_flush listener, whoever sets the reasons
    (review, the picking floor's shortage...), so the queue never scans JSON. `rebuild_hold_codes`
    in wms.review.queue backfills it.
    """

    __tablename__ = "review_hold_codes"
    __table_args__ = (db.Index("ix_hold_codes_code_order", "code", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))

    order = relationship(Order)


class OrderFlagCode(db.Model):
    """One row per (order, flag code): what the desk's "flagged" view filters and counts by.

    Kept in step with Order.flags by a before_flush listener (flags or status changed: orders the
    import inserted in bulk get theirs when review moves them); the desk still filters on the
    order's state (a flag matters while the order can be changed).
    """

    __tablename__ = "review_flag_codes"
    __table_args__ = (db.Index("ix_flag_codes_code_order", "code", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))

    order = relationship(Order)


def sync_flag_codes(session, _flush_context, _instances):
    """Before a flush (listener, wms.listeners): the flag code rows of every order new or with new flags / status."""
    changed = [obj for obj in list(session.new) + list(session.dirty) if isinstance(obj, Order)
               and (obj in session.new or inspect(obj).attrs.flags.history.has_changes()
                    or inspect(obj).attrs.status.history.has_changes())]   # the import's bulk rows: at review
    stale = [order.id for order in changed if order.id is not None]
    if stale:
        session.execute(delete(OrderFlagCode).where(OrderFlagCode.order_id.in_(stale)))
    for order in changed:
        for code in dict.fromkeys(f.get("code", "") for f in order.flags or []):
            session.add(OrderFlagCode(order=order, code=str(code)[:40]))


def sync_hold_codes(session, _flush_context, _instances):
    """Before a flush (listener, wms.listeners): the hold code rows of every order new or with new reasons / status."""
    changed = [obj for obj in list(session.new) + list(session.dirty) if isinstance(obj, Order)
               and (obj in session.new or inspect(obj).attrs.hold_reasons.history.has_changes()
                    or inspect(obj).attrs.status.history.has_changes())]
    stale = [order.id for order in changed if order.id is not None]
    if stale:
        session.execute(delete(OrderHoldCode).where(OrderHoldCode.order_id.in_(stale)))
    for order in changed:
        if order.status == "on_hold":
            for code in dict.fromkeys(r.get("code", "") for r in order.hold_reasons or []):
                session.add(OrderHoldCode(order=order, code=str(code)[:40]))


# The gift rules' tables (order_lines.gift_rule_id references gift_rules): loaded with the desk's models.
from wms.review import gift_models  # noqa: E402,F401
