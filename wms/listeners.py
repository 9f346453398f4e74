"""Every SQLAlchemy event listener of the app, registered here and nowhere else, and why each one is
a listener rather than a call the service makes.

Listeners are the only code that runs without being called, so they are kept few and listed here;
tests/unit/test_listeners_listed.py fails on `event.listen` / `listens_for` in any other module.
create_app imports this module first (once per process: a module is imported once). Counters, pushes,
jobs and audit rows are otherwise asked for by the service that causes them.

Transaction bookkeeping (they write no row and send nothing themselves):
- wms.aftercommit: after_commit marks what the transaction deferred (publish, enqueue) ready to run;
  after_soft_rollback drops it. The services ask for each effect (after_commit / publish / enqueue);
  only SQLAlchemy knows when the commit succeeded or the transaction rolled back.
- wms.rawsql: before_commit sends the statements a service deferred (rawsql.defer: writes nobody
  reads before the commit) and runs the at_commit hooks (the counters' upsert), in one round trip;
  after_soft_rollback drops them.
- wms.counters.services: after_soft_rollback forgets the counter deltas of a rolled-back transaction.
- wms.counters.changes: after_commit / after_soft_rollback reset the "counters moved" mark, so the
  next transaction tells the wall afresh (the telling itself goes through aftercommit).

Connection settings:
- wms.sqlite: every new SQLite connection gets WAL, a busy timeout, foreign keys, its page cache.

Rows kept in step with the orders (they write, in the flush's own transaction):
- wms.orders.counting.count_flushed_orders (before_flush): the wall's counter deltas of every order
  inserted, changed (status, carrier, hold reasons) or deleted through the session. The counters
  must equal a rebuild from the tables, and an order's counter key moves with changes made in a
  dozen places (transition_to, carrier choice, every hold, the import, a split, builders, the demo);
  a call in each would leave the wall wrong the day one more is written without it.
- wms.review.models.sync_flag_codes / sync_hold_codes (before_flush): one row per (order, code) of
  Order.flags and Order.hold_reasons, so the review desk filters and counts by an index instead of
  scanning JSON. The lists change in as many places as the counters' keys (review, the short pick,
  the import, a split, transition_to clearing the reasons): the rows are a projection of the
  columns, kept with them for the same reason.
- wms.review.tag_models.sync_tag_rows (before_flush): one row per (order, tag key) of Order.tags, for
  the desk's tag filter, for the same reason: tags are written by the import, the platforms' syncs,
  a split and the tag rules.

Not a listener any more: the pack stations are told an order became picked by the service that picks
its last line (wms.picking.line_events), where the push can be seen.
"""
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from wms import aftercommit, rawsql, sqlite
from wms.counters import changes as counter_changes
from wms.counters import services as counters
from wms.orders import counting
from wms.review import models as review_models
from wms.review import tag_models

LISTENERS = (
    # (target, event, function), registered in this order (SQLAlchemy runs a target's listeners so)
    (Engine, "connect", sqlite.configure_connection),
    (Session, "before_flush", counting.count_flushed_orders),
    (Session, "before_flush", review_models.sync_flag_codes),
    (Session, "before_flush", review_models.sync_hold_codes),
    (Session, "before_flush", tag_models.sync_tag_rows),
    (Session, "before_commit", rawsql.send_deferred),
    (Session, "after_commit", aftercommit.mark_ready),
    (Session, "after_commit", counter_changes.reset_notified),
    (Session, "after_soft_rollback", aftercommit.drop_pending),
    (Session, "after_soft_rollback", rawsql.drop_deferred),
    (Session, "after_soft_rollback", counters.drop_pending),
    (Session, "after_soft_rollback", counter_changes.reset_notified),
)

for _target, _name, _fn in LISTENERS:
    if not event.contains(_target, _name, _fn):
        event.listen(_target, _name, _fn)
