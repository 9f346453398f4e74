"""Wall metrics as plain arithmetic over counter values and buckets. Pure: stdlib only.

Counters are keyed strings (wms.counters.rules says which keys a change moves); these helpers fold the
stored values back into what the wall shows. Each fold is linear in the number of counter rows (a few
hundred), never in the number of orders.
"""
from collections import defaultdict
from datetime import timedelta

from wms.counters.rules import minute_of, split_order_key

# States in which an order still has to leave the building before its carrier's cut-off.
NOT_YET_SHIPPED = ("approved", "backorder", "allocated", "waved", "picking", "picked", "packed", "labelled",
                   "on_hold", "finance_review")
# How the cut-off board groups them: how far from the truck each order still is.
RISK_STAGES = (("to_pick", ("approved", "backorder", "allocated", "waved", "picking")),
               ("to_pack", ("picked",)), ("to_label", ("packed",)), ("to_load", ("labelled",)),
               ("on_hold", ("on_hold", "finance_review")))  # waiting on a person at the desk
WINDOW_MINUTES = 60
RISK_MINUTES = 120   # a cut-off this close with orders not yet shipped is "at risk"
LATE_MINUTES = 30    # ... and this close, "critical"


def orders_by_state(totals, all_states):
    """{state: count} over every carrier, every state present (zeros kept for a steady chart)."""
    by_state = dict.fromkeys(all_states, 0)
    for key, value in totals.items():
        state, _carrier = split_order_key(key)
        by_state[state] = by_state.get(state, 0) + value
    return by_state


def open_by_carrier(totals):
    """{carrier: {stage: count}} of orders not yet shipped, grouped by RISK_STAGES."""
    stage_of = {state: stage for stage, states in RISK_STAGES for state in states}
    result = defaultdict(lambda: dict.fromkeys((stage for stage, _ in RISK_STAGES), 0))
    for key, value in totals.items():
        state, carrier = split_order_key(key)
        if state in stage_of and value:
            result[carrier][stage_of[state]] += value
    return dict(result)


def pick_rates(buckets, now, names=None):
    """Rolling last-hour picks from (minute, picker_id, units, lines) buckets.

    Returns overall units/lines, per picker (busiest first) and a per-5-minute series for the chart.
    """
    start = minute_of(now) - timedelta(minutes=WINDOW_MINUTES - 1)
    per_picker = defaultdict(lambda: [0, 0])
    series = [0] * (WINDOW_MINUTES // 5)
    units = lines = 0
    for minute, picker_id, u, l in buckets:
        if minute < start or minute > now:
            continue
        per_picker[picker_id][0] += u
        per_picker[picker_id][1] += l
        units, lines = units + u, lines + l
        series[min(int((minute - start).total_seconds() // 300), len(series) - 1)] += u
    names = names or {}
    pickers = [{"id": pid, "name": names.get(pid, f"#{pid}"), "units": u, "lines": l}
               for pid, (u, l) in per_picker.items()]
    pickers.sort(key=lambda p: (-p["units"], p["name"]))
    return {"units": units, "lines": lines, "pickers": pickers, "series": series}


def cutoff_board(carriers, open_counts, now):
    """One row per carrier with a next cut-off: minutes left, orders not yet shipped, a risk level.

    carriers: [(code, name, next_cutoff_utc)]; open_counts: open_by_carrier(...).
    """
    rows = []
    for code, name, cutoff in carriers:
        if cutoff is None:
            continue
        stages = open_counts.get(code) or dict.fromkeys((stage for stage, _ in RISK_STAGES), 0)
        waiting = sum(stages.values())
        minutes = (cutoff - now).total_seconds() / 60
        level = "ok"
        if waiting and minutes <= LATE_MINUTES:
            level = "critical"
        elif waiting and minutes <= RISK_MINUTES:
            level = "at_risk"
        rows.append({"carrier": code, "name": name, "cutoff": cutoff.isoformat() + "Z",
                     "minutes_left": int(minutes), "open": waiting, "stages": stages, "level": level})
    rows.sort(key=lambda r: r["cutoff"])
    return rows


def progress_pct(done, total):
    return 0 if not total else min(100, round(100 * done / total))
