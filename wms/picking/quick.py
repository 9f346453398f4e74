"""The common scan on PostgreSQL: one statement, outside a transaction.

Most scans add units to a line that stays open, on a task and an order already under way: their
only effect besides the units is the picker's wall bucket. Which scans those are is decided in one
place, `wms.picking.pick_effects.takes_one_statement` (every effect `line_events.pick` would run for
the scan is one this statement writes: ONE_STATEMENT), asked through `takes`. For those,
floor.apply_event reads the line outside a transaction and, once the pick rules passed, sends one
statement that adds the units, adds them to the picker's wall bucket and stores the event row with
its answer:

    WITH picked AS (UPDATE pick_lines SET picked_qty = picked_qty + :qty ...
                    WHERE id = :line AND status = 'open' AND picked_qty = :before
                      AND picked_qty + :qty < qty RETURNING id),
         bucket AS (INSERT INTO wall_pick_buckets ... SELECT ... FROM picked ON CONFLICT ...)
    INSERT INTO floor_events ... SELECT ... FROM picked RETURNING id

One statement is atomic on its own, so the scan costs two round trips (read, write) instead of
five (BEGIN, read, update, event row, COMMIT); under eventlet each round trip is also a trip round
the hub, which is what the ack waits for. The write is a compare-and-set on what was read
(`picked_qty = :before`): if another device moved the line in between, nothing is written, no row
comes back, and the event takes the general path, which reads again. A replayed uuid fails the
unique index and writes nothing, as on the general path.

SQLite has no writes inside WITH; there every scan takes the general path (it has no round trips).
"""
from sqlalchemy import DateTime, Integer, bindparam, insert, literal, select, update

from wms.counters.services import bucket_params, bucket_upsert_from
from wms.picking import pick_effects
from wms.picking.models import LINE_OPEN, FloorEvent, PickLine
from wms.rawsql import Prepared

EVENT_COLUMNS = ("uuid", "device_code", "device_seq", "user_id", "kind", "payload", "accepted", "answer", "reason",
                 "received_at")


def _statement():
    picked = (update(PickLine)
              .where(PickLine.id == bindparam("line_id"), PickLine.status == LINE_OPEN,
                     PickLine.picked_qty == bindparam("before"), PickLine.picked_qty + bindparam("qty") < PickLine.qty)
              .values(picked_qty=PickLine.picked_qty + bindparam("qty"), picked_at=bindparam("at"),
                      picked_by_id=bindparam("picker_id"))
              .returning(PickLine.id)
              .cte("picked"))
    bucket = bucket_upsert_from(
        select(bindparam("m", type_=DateTime()), bindparam("p", type_=Integer()), bindparam("u", type_=Integer()),
               literal(0, Integer())).select_from(picked)).cte("bucket")
    columns = FloorEvent.__table__.c
    row = select(*[bindparam(f"e_{name}", type_=columns[name].type) for name in EVENT_COLUMNS]).select_from(picked)
    return (insert(FloorEvent).from_select(EVENT_COLUMNS, row).returning(FloorEvent.id)
            .add_cte(picked).add_cte(bucket))


_PICK = Prepared(_statement(), only_for="postgresql")


def available(connection):
    return connection.dialect.name == "postgresql"


def takes(line, qty):
    """Whether a pick the pick rules accepted may be written here: every effect due for it is one this
    statement writes (wms.picking.pick_effects, the one rule)."""
    return pick_effects.takes_one_statement(line, qty)


def write_pick(connection, line, qty, picker_id, event_row, at):
    """For a pick `takes` let through: add `qty` to the line if it still has `line["picked_qty"]`
    and stays open; with the bucket and the event row. True if written; False if the line moved
    since it was read. Raises the driver's IntegrityError for a uuid seen before (nothing written)."""
    params = {"line_id": line["id"], "before": line["picked_qty"], "qty": qty, "at": at, "picker_id": picker_id,
              **bucket_params(picker_id, qty, False, at), **{f"e_{k}": v for k, v in event_row.items()}}
    cursor = _PICK.execute(params, connection)
    written = cursor.fetchone() is not None
    cursor.close()
    return written
