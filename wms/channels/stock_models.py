"""What stock sync (库存同步) keeps: each store's rule, kits, safety stock, and per platform SKU what
was last pushed.

A store sells a platform SKU made of our SKUs: a mapped one (wms.channels.mapping_models.SkuMapping,
one unit of one SKU) or a kit (StockKitComponent rows: several SKUs, each with a quantity; they win
over a mapping of the same key).
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wms.extensions import db
from wms.timeutil import utcnow


class ChannelStockRule(db.Model):
    """How much of the available stock one store may sell, and whether its sync is paused.

    No row = the defaults: 100 % of what is available, not paused. `fixed_qty` set = at most that
    many (never more than is available) instead of a share.
    """

    __tablename__ = "channel_stock_rules"
    __table_args__ = (CheckConstraint("share_pct >= 0 AND share_pct <= 100", name="ck_stock_rule_share"),
                      CheckConstraint("fixed_qty IS NULL OR fixed_qty >= 0", name="ck_stock_rule_fixed"))

    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True)
    share_pct: Mapped[int] = mapped_column(default=100, server_default="100")
    fixed_qty: Mapped[int | None]
    paused: Mapped[bool] = mapped_column(default=False, server_default="0")
    paused_by: Mapped[str | None] = mapped_column(String(120))
    paused_at: Mapped[datetime | None]
    # The one push run of the store at a time: claimed by a conditional UPDATE, freed when it ends
    # (a claim older than wms.channels.stock_sync.CLAIM_TIMEOUT is a dead run's).
    pushing_since: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StockKitComponent(db.Model):
    """One of our SKUs in a store's kit (组合装): `qty` units of it go into one platform SKU."""

    __tablename__ = "stock_kit_components"
    __table_args__ = (db.UniqueConstraint("channel_id", "platform_sku", "sku_id", name="uq_stock_kit_component"),
                      CheckConstraint("qty > 0", name="ck_stock_kit_qty_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id", ondelete="CASCADE"))
    platform_sku: Mapped[str] = mapped_column(String(64))
    sku_id: Mapped[int] = mapped_column(db.ForeignKey("skus.id", ondelete="CASCADE"), index=True)
    qty: Mapped[int] = mapped_column(default=1)


class SkuSafetyStock(db.Model):
    """Units of a SKU no store is offered (安全库存): kept back from every store's quantity."""

    __tablename__ = "sku_safety_stock"
    __table_args__ = (CheckConstraint("qty >= 0", name="ck_sku_safety_stock_nonnegative"),)

    sku_id: Mapped[int] = mapped_column(db.ForeignKey("skus.id", ondelete="CASCADE"), primary_key=True)
    qty: Mapped[int] = mapped_column(default=0)


class ChannelStockState(db.Model):
    """One platform SKU of one store: whether it waits for a push, and the last push's outcome.

    `version` goes up each time the SKU's stock moves; a push clears `needs_push` only if the version
    is still the one it read, so a move during the push is pushed again.
    """

    __tablename__ = "channel_stock_states"
    __table_args__ = (db.UniqueConstraint("channel_id", "platform_sku", name="uq_channel_stock_state"),
                      db.Index("ix_channel_stock_states_due", "channel_id", "needs_push"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(db.ForeignKey("channels.id", ondelete="CASCADE"))
    platform_sku: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    needs_push: Mapped[bool] = mapped_column(default=True)
    forced: Mapped[bool] = mapped_column(default=False)       # "push all now": pushed even when unchanged
    pushed_qty: Mapped[int | None]                            # the last quantity the platform accepted
    pushed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)      # the last push's refusal (None = it went through)
    error_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0)          # failed pushes in a row (the backoff's exponent)
    retry_at: Mapped[datetime | None]                         # not pushed again before this
