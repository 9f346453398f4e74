"""Gift rules (赠品) and the record of what each rule decided for each order.

A rule's counters (`units_given`, `orders_given`) move only by conditional UPDATEs
(wms.review.gifts.claim), so "at most N in total" and "the first N orders" hold however many
reviews run at once. A GiftDecision row per (order, rule) makes a rule act on an order once: a
second review of the order (a release after a hold, a re-import) finds the row and adds nothing.
"""
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.timeutil import utcnow

FIXED = "fixed"   # always the same gift SKU
POOL = "pool"     # the first SKU of the pool that still has stock
GIFT_KINDS = (FIXED, POOL)

# Why a rule stopped adding (GiftRule.ran_out_reason, GiftDecision.reason):
RAN_OUT_TOTAL = "total_reached"          # its total of gift units is given
RAN_OUT_ORDERS = "first_orders_reached"  # its first N orders had theirs
RAN_OUT_STOCK = "pool_out_of_stock"      # no SKU of its pool has the stock (comes back with stock)
RAN_OUT_REASONS = (RAN_OUT_TOTAL, RAN_OUT_ORDERS, RAN_OUT_STOCK)

# What a rule did for an order (GiftDecision.outcome):
ADDED = "added"        # a gift line was added
NOT_ADDED = "not_added"  # it matched but had run out
REMOVED = "removed"    # a reviewer took the gift line off again


class GiftRule(db.Model):
    """When an order matches (store, SKUs bought, amount, paid between, remark word), add a gift line."""

    __tablename__ = "gift_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    # -- when (every condition set must hold; an empty one holds for every order)
    channel_ids: Mapped[list] = mapped_column(JSON, default=list)     # the stores; [] any
    bought_skus: Mapped[list] = mapped_column(JSON, default=list)     # SKU codes, "TEA-*" a code family; [] any
    min_amount_cents: Mapped[int | None]                              # the order's amount at least
    paid_from: Mapped[datetime | None]                                # naive UTC, the order's time
    paid_until: Mapped[datetime | None]
    remark_words: Mapped[list] = mapped_column(JSON, default=list)    # the buyer remark holds one of them
    first_orders: Mapped[int | None]                                  # only the first N orders get it
    # -- what
    gift_kind: Mapped[str] = mapped_column(String(10), default=FIXED)
    gift_sku_ids: Mapped[list] = mapped_column(JSON, default=list)    # one (fixed) or the pool, in order
    gift_qty: Mapped[int] = mapped_column(default=1)                  # units per order (or per unit bought)
    per_unit_bought: Mapped[bool] = mapped_column(default=False)
    per_order_max: Mapped[int] = mapped_column(default=1)
    total_max: Mapped[int | None]                                     # gift units in total; None: no limit
    # -- counters (conditional UPDATEs only) and the run-out mark the rules page shows
    units_given: Mapped[int] = mapped_column(default=0, server_default="0")
    orders_given: Mapped[int] = mapped_column(default=0, server_default="0")
    ran_out_reason: Mapped[str] = mapped_column(String(30), default="", server_default="")
    ran_out_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class GiftDecision(db.Model):
    """What one rule did for one order, once: added (which SKU, how many), not added (why), removed."""

    __tablename__ = "gift_decisions"
    __table_args__ = (db.UniqueConstraint("order_id", "rule_id", name="uq_gift_decision_order_rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id", ondelete="CASCADE"))
    rule_id: Mapped[int] = mapped_column(db.ForeignKey("gift_rules.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(30), default="")
    sku_id: Mapped[int | None] = mapped_column(db.ForeignKey("skus.id"))
    qty: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    rule = relationship(GiftRule)
