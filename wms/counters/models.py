"""The counter tables: counter rows (spread over shards) and per-minute pick buckets.

Table names are the ones the wall created them under (metric_counters, wall_pick_buckets).
"""
from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from wms.extensions import db

# Counter families (MetricCounter.name)
ORDERS = "orders"        # key "state|carrier": orders in that state for that carrier ("" = none yet)
HOLDS = "holds"          # key hold code: orders on hold for that reason
SHIPPED = "shipped"      # key local date "YYYY-MM-DD": orders that went to shipped that day
SETTING = "setting"      # key setting name (e.g. shipped_target): a value set by a supervisor

# Each counter is spread over SHARDS rows so that concurrent transactions rarely wait on one row:
# a shift's first picks move hundreds of orders a second on the same key.
SHARDS = 32


class MetricCounter(db.Model):
    """One shard of one counter; the counter's value is the sum over its shards.

    Written with `UPDATE ... value = value + d` (an upsert), in the transaction of the change it counts.
    """

    __tablename__ = "metric_counters"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class PickBucket(db.Model):
    """Units and lines one picker picked in one UTC minute (the rolling picks/hour reads 60 of them)."""

    __tablename__ = "wall_pick_buckets"

    minute: Mapped[datetime] = mapped_column(primary_key=True)
    picker_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    units: Mapped[int] = mapped_column(default=0)
    lines: Mapped[int] = mapped_column(default=0)
