"""Counters kept in step with the changes they count, below every feature that moves them.

The wall (wms.dashboard) shows orders by state and carrier, hold reasons, orders shipped per day and
picks per picker-minute without scanning the orders table: these counters hold them. Orders, picking
and imports move them in the transaction of the change they count; the wall reads them. This package
imports no feature package (only wms core: extensions, aftercommit, rawsql, timeutil), so any feature
may use it and the wall may sit on top of them all.

- models.py    the counter tables (metric_counters, wall_pick_buckets) and the counter families
- rules.py     pure: which counter keys a change moves
- services.py  add deltas to the caller's transaction (written at its commit), the pick buckets
- changes.py   who is told, after the commit, that counters moved (the wall subscribes)
"""
