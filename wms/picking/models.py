"""Waves, pick tasks and their lines, and the idempotency log of floor events."""
from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.extensions import db
from wms.inventory.models import CountTask  # noqa: F401  (its home is inventory; kept importable here)
from wms.timeutil import utcnow

# Wave statuses
WAVE_RELEASED = "released"    # tasks exist, picking may start
WAVE_PICKING = "picking"      # at least one task started
WAVE_DONE = "done"            # every task finished
WAVE_CANCELLED = "cancelled"  # withdrawn before any pick

# Task statuses
TASK_OPEN = "open"                # waiting for a picker
TASK_ASSIGNED = "assigned"        # pushed to a picker's handheld
TASK_IN_PROGRESS = "in_progress"  # first line scanned
TASK_DONE = "done"                # every line picked or short
TASK_CANCELLED = "cancelled"      # withdrawn (wave cancelled)
ACTIVE_TASK = (TASK_OPEN, TASK_ASSIGNED, TASK_IN_PROGRESS)

# Line statuses
LINE_OPEN = "open"
LINE_PICKED = "picked"        # qty found in full
LINE_SHORT = "short"          # closed with less than asked; the order went to review
LINE_CANCELLED = "cancelled"  # the order was intercepted: put back what was picked


class Wave(db.Model):
    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    warehouse_id: Mapped[int] = mapped_column(db.ForeignKey("warehouses.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=WAVE_RELEASED, index=True)
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)  # the filter and limits used
    orders_count: Mapped[int] = mapped_column(default=0)
    lines_count: Mapped[int] = mapped_column(default=0)
    distance_m: Mapped[float] = mapped_column(default=0.0)
    fcfs_distance_m: Mapped[float] = mapped_column(default=0.0)  # what naive batching would walk
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    released_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]

    tasks: Mapped[list["PickTask"]] = relationship(back_populates="wave", order_by="PickTask.id")


class PickTask(db.Model):
    """One picker's cart: a batch of orders with its lines in walking order."""

    __tablename__ = "pick_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    wave_id: Mapped[int] = mapped_column(db.ForeignKey("waves.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(db.ForeignKey("warehouses.id"))
    kind: Mapped[str] = mapped_column(String(10), default="multi")  # single | multi
    status: Mapped[str] = mapped_column(String(20), default=TASK_OPEN, index=True)
    picker_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"), index=True)
    device_code: Mapped[str | None] = mapped_column(String(64))
    distance_m: Mapped[float] = mapped_column(default=0.0)
    orders_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}

    wave: Mapped[Wave] = relationship(back_populates="tasks")
    lines: Mapped[list["PickLine"]] = relationship(back_populates="task", order_by="PickLine.seq")
    picker = relationship("User")


class PickLine(db.Model):
    """Pick `qty` of a SKU from a bin into the tote slot of its order."""

    __tablename__ = "pick_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(db.ForeignKey("pick_tasks.id"), index=True)
    seq: Mapped[int]  # position on the route
    order_id: Mapped[int] = mapped_column(db.ForeignKey("orders.id"), index=True)
    # NULL once the order line is gone (a held order's lines edited, merged or split after a wave): the
    # pick line keeps the floor's record (order, SKU, bin, qty) without blocking the desk.
    order_line_id: Mapped[int | None] = mapped_column(db.ForeignKey("order_lines.id", ondelete="SET NULL"),
                                                      index=True)
    reservation_id: Mapped[int | None] = mapped_column(db.ForeignKey("reservations.id", ondelete="SET NULL"))
    bin_id: Mapped[int] = mapped_column(db.ForeignKey("bins.id"))
    sku_id: Mapped[int] = mapped_column(db.ForeignKey("skus.id"))
    qty: Mapped[int]
    picked_qty: Mapped[int] = mapped_column(default=0)
    tote_slot: Mapped[int | None]  # None for single-item carts (sorted at pack)
    status: Mapped[str] = mapped_column(String(20), default=LINE_OPEN)
    short_reason: Mapped[str] = mapped_column(String(200), default="")
    picked_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    picked_at: Mapped[datetime | None]

    task: Mapped[PickTask] = relationship(back_populates="lines")
    bin = relationship("Bin")
    sku = relationship("Sku")
    order = relationship("Order")


class FloorEvent(db.Model):
    """One handheld/station action, applied exactly once: the client UUID is the idempotency key.

    A replayed event (outbox resend, double scan, retry) finds its row and gets the stored answer.
    """

    __tablename__ = "floor_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    device_code: Mapped[str] = mapped_column(String(64), index=True)
    device_seq: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    accepted: Mapped[bool] = mapped_column(default=True)
    answer: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class WaveRule(db.Model):
    """The automatic wave rule of a warehouse: every N minutes or at N waiting orders."""

    __tablename__ = "wave_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(db.ForeignKey("warehouses.id"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    every_minutes: Mapped[int] = mapped_column(default=30)
    at_orders: Mapped[int] = mapped_column(default=200)
    limits: Mapped[dict] = mapped_column(JSON, default=dict)   # WaveLimits fields
    # What the rule's waves take besides their limits: {"include_tags": [...], "exclude_tags": [...],
    # "priority_first": bool} (wms.picking.rules.filter_from reads it)
    filters: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    last_run_at: Mapped[datetime | None]
    last_result: Mapped[str] = mapped_column(String(200), default="")
