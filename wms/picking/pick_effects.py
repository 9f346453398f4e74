"""What confirming a pick does, effect by effect, and the one rule for the scans that may take the
one-statement path. Pure: stdlib only.

A pick first adds its units to the line (a conditional UPDATE of pick_lines, which says whether
the line closed); then `wms.picking.line_events.pick` runs each effect of EFFECTS that is `due`,
in this order, and nothing else. PostgreSQL's one-statement path (wms.picking.quick) writes the
units and the effects named in ONE_STATEMENT, with the floor event's row, and nothing else; a scan
may take it only when every effect due for it is one of those (`takes_one_statement`).

So an effect added to EFFECTS makes every scan it is due for take the general path: slower, never
a skipped effect, until quick.py learns to write it too and it joins ONE_STATEMENT. An effect
added to `pick` without an entry here is caught by tests/services/test_pick_effects_declared.py,
which records what the general path writes and publishes for each kind of scan and fails on a
table or an event no due effect declares. tests/postgres/test_fast_path_equals_general_path.py
runs random scan sequences both ways on PostgreSQL and compares the rows.

The line is the dict `line_events.load_line` reads (task_status, wave_status, order_status,
picked_qty, qty); `done` says whether this pick closed the line.
"""
from collections import namedtuple

from wms.orders.states import PICKING, WAVED

# Statuses of wms.picking.models (an ORM module, so not imported here; a test holds them equal).
TASK_ASSIGNED, TASK_IN_PROGRESS = "assigned", "in_progress"
WAVE_RELEASED = "released"

Effect = namedtuple("Effect", "name when writes publishes what")
# name: the key line_events.pick runs it by; when(line, done) -> bool: due for this pick;
# writes: the tables it writes (ORM listeners included); publishes: the realtime events it sends
# after the commit; what: one line for the reader.

PICKS_COUNTED = "picks_counted"
TASK_STARTED = "task_started"
WAVE_STARTED = "wave_started"
ORDER_PICKING = "order_picking"
ORDER_PICKED = "order_picked"
TASK_FINISHED = "task_finished"

# The units themselves: written by every pick, on either path.
UNITS_WRITE = "pick_lines"
# The floor envelope's own row (wms.picking.floor): written for every event, on either path.
ENVELOPE_WRITE = "floor_events"

EFFECTS = (
    Effect(PICKS_COUNTED, lambda line, done: True, ("wall_pick_buckets",), (),
           "units (and a closed line) added to the picker's minute on the wall; the wall told after commit"),
    Effect(TASK_STARTED, lambda line, done: line["task_status"] == TASK_ASSIGNED, ("pick_tasks",), (),
           "the task's first scan: assigned -> in_progress"),
    Effect(WAVE_STARTED, lambda line, done: line["task_status"] == TASK_ASSIGNED
           and line["wave_status"] == WAVE_RELEASED, ("waves",), (),
           "the wave's first scan: released -> picking"),
    Effect(ORDER_PICKING, lambda line, done: line["order_status"] == WAVED,
           ("orders", "order_events", "metric_counters"), ("order.state_changed",),
           "the order's first unit: waved -> picking, with its audit row and the wall's order counters"),
    Effect(ORDER_PICKED, lambda line, done: done,
           ("orders", "order_events", "metric_counters", "review_flag_codes", "review_hold_codes"),
           ("order.state_changed", "pack.task_ready"),
           "a closed line that was the order's last open one: picking -> picked, the pack stations told "
           "(the review desk's code rows follow the status in a flush listener, wms.listeners)"),
    Effect(TASK_FINISHED, lambda line, done: done, ("pick_tasks", "waves"), ("task.finished",),
           "a closed line that was the task's last open one: the task done, and its wave when it was the last"),
)
NAMES = tuple(effect.name for effect in EFFECTS)
BY_NAME = {effect.name: effect for effect in EFFECTS}
STARTING = (TASK_STARTED, WAVE_STARTED, ORDER_PICKING)  # what a short pick does first, as a pick does

# What quick.py's one statement writes besides the units and the event row. Its UPDATE leaves the line
# open, so a closing pick cannot take it (ORDER_PICKED and TASK_FINISHED are due for every one).
ONE_STATEMENT = frozenset({PICKS_COUNTED})


def due(line, done, effects=EFFECTS):
    """The names of the effects this pick has, in the order they run."""
    return tuple(effect.name for effect in effects if effect.when(line, done))


def starting(line):
    """The start effects due for a line's event that closes no order: what a short pick does first."""
    return tuple(name for name in due(line, False) if name in STARTING)


def closes_line(line, qty):
    """Whether adding `qty` fills the line (as read)."""
    return line["picked_qty"] + qty >= line["qty"]


def takes_one_statement(line, qty, effects=EFFECTS, one_statement=ONE_STATEMENT):
    """The one rule: a pick the pick rules accepted may be written in one statement when every effect
    due for it is one that statement writes. The statement re-checks only the line (compare-and-set on
    its picked_qty), so it is also kept to a task and an order already under way, the states it was
    written for (a task assigned or an order waved has a start effect due anyway)."""
    if line["task_status"] != TASK_IN_PROGRESS or line["order_status"] != PICKING:
        return False
    return set(due(line, closes_line(line, qty), effects)) <= one_statement


def writes_of(names):
    """Every table the named effects write."""
    return {table for name in names for table in BY_NAME[name].writes}


def publishes_of(names):
    """Every realtime event the named effects send."""
    return {event for name in names for event in BY_NAME[name].publishes}
