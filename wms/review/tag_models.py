"""Tag rules (订单分类) and the rows the desk filters tags by.

TagRule: a supervisor's rule (wms.review.tag_rules matches it), applied to orders when they are
approved and, on demand, to the open ones (wms.review.tagging). OrderTag: one row per (order, tag
key), kept in step with Order.tags by a before_flush listener (wms.listeners says why), so the desk
filters by an index instead of reading JSON.
"""
from datetime import datetime

from sqlalchemy import JSON, String, delete, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.orders import states
from wms.orders import tags as order_tags
from wms.orders.models import Order
from wms.timeutil import utcnow

KEY_LENGTH = 80   # a key is the case-folded tag (at most 40 characters; case folding may lengthen it)


class TagRule(db.Model):
    """When an approved order matches `conditions`, add `tags` and raise its priority to `priority`."""

    __tablename__ = "order_tag_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    enabled: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)        # the rules' order: the order tags are added in
    # {"regions": [...], "channel_ids": [...], "platforms": [...], "currency", "min_cents", "max_cents",
    #  "skus": [...], "words": [...]} (wms.review.tag_rules.parse)
    conditions: Mapped[dict] = mapped_column(JSON, default=dict)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    priority: Mapped[int | None]                             # None: the rule leaves the priority alone
    # Optimistic lock: two supervisors saving the same rule -> the second gets ConcurrentUpdate.
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class OrderTag(db.Model):
    """One row per (order, tag key): what the review desk filters by."""

    __tablename__ = "order_tags"
    __table_args__ = (db.Index("ix_order_tags_key_order", "key", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))

    order = relationship(Order)


def tag_key(tag):
    """The row's key of a tag (wms.orders.tags.key, cut to the column)."""
    return order_tags.key(tag)[:KEY_LENGTH]


def sync_tag_rows(session, _flush_context, _instances):
    """Before a flush (listener, wms.listeners): the tag rows of every order new, with new tags, or
    leaving `imported` (the import's bulk rows, inserted without the session, get theirs at review)."""
    changed = [obj for obj in list(session.new) + list(session.dirty) if isinstance(obj, Order) and _moved(obj, session)]
    stale = [order.id for order in changed if order.id is not None]
    if stale:
        session.execute(delete(OrderTag).where(OrderTag.order_id.in_(stale)))
    for order in changed:
        for key in dict.fromkeys(tag_key(tag) for tag in order.tags or []):
            if key:
                session.add(OrderTag(order=order, key=key))


def _moved(order, session):
    if order in session.new:
        return True
    attrs = inspect(order).attrs
    return attrs.tags.history.has_changes() or states.IMPORTED in (attrs.status.history.deleted or ())
