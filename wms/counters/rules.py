"""Which counter keys a change moves. Pure: stdlib only.

Counters are keyed strings: an order counts under "state|carrier", a held order under each of its
distinct hold codes, a shipped order under its warehouse-local day, a pick under its UTC minute.
Each function here is constant time per order (a handful of keys), never a scan.
"""
from collections import Counter
from datetime import timezone
from zoneinfo import ZoneInfo

ON_HOLD = "on_hold"
SHIPPED = "shipped"


def order_key(state, carrier):
    return f"{state}|{carrier or ''}"


def split_order_key(key):
    state, _, carrier = key.partition("|")
    return state, carrier


def order_deltas(before, after):
    """{order key: delta} for one order going from before=(state, carrier) to after (None: absent)."""
    deltas = Counter()
    if before is not None:
        deltas[order_key(*before)] -= 1
    if after is not None:
        deltas[order_key(*after)] += 1
    return {key: d for key, d in deltas.items() if d}


def moved_deltas(carrier, current, new, count):
    """{order key: delta} for `count` orders of one carrier going from current to new."""
    return {key: d * count for key, d in order_deltas((current, carrier), (new, carrier)).items()}


def hold_codes(status, hold_reasons):
    """The distinct hold codes an order counts under (none unless it is on hold)."""
    if status != ON_HOLD:
        return ()
    return tuple(dict.fromkeys(str((r or {}).get("code", "") if isinstance(r, dict) else r)[:80]
                               for r in hold_reasons or ()))


def hold_deltas(before_codes, after_codes):
    deltas = Counter(after_codes)
    deltas.subtract(Counter(before_codes))
    return {code: d for code, d in deltas.items() if d}


def goes_out(current, new):
    """True when a move from current to new ships the order (it counts on the day it happens)."""
    return new == SHIPPED and current != SHIPPED


def merge(total, deltas):
    """Add {key: delta} into total (in place)."""
    for key, delta in deltas.items():
        total[key] = total.get(key, 0) + delta


def minute_of(at):
    return at.replace(second=0, microsecond=0)


def local_day(at_utc, tz_name):
    """The warehouse-local date (ISO) of a naive UTC datetime."""
    return at_utc.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz_name)).date().isoformat()
