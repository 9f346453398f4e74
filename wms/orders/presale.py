"""Presales (预售): when an order sold before its stock exists may go to allocation. Pure.

An order is a presale when it carries a ship-from time (naive UTC): the platform's (PDD
`is_pre_sale` + `pre_sale_time`, Douyin `appointment_ship_time`...), a file's `Presale ship date`
column, or the latest `presale_until` day of the SKUs its lines name (a line of such a SKU makes
the whole order wait: it ships complete, so it waits for its latest line). Until it is released it
is held out of allocation (it stays `approved`, never a backorder); it is released

- `date` mode (the default): when its ship-from time has come;
- `stock` mode: as soon as the stock to ship it complete is there, and on its ship-from time at
  the latest (an order whose stock never came is then a backorder like any other).

The mode is the channel's (Channel.presale_release); each store chooses how its presales go out.

Its ship-by counts from its ship-from time, not from its payment: the channel's rule applied to
the later of the two (`ship_by_start`).
"""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

RELEASE_ON_DATE = "date"     # released when its ship-from time comes
RELEASE_ON_STOCK = "stock"   # released when its stock is there (its ship-from time at the latest)
MODES = (RELEASE_ON_DATE, RELEASE_ON_STOCK)

# Why an order was released, the timeline's words
BY_DATE = "date"
BY_STOCK = "stock"


def ship_from(order_ship_from, sku_days, tz_name):
    """The order's ship-from time (naive UTC): the latest of its own (a datetime or None) and the
    local midnights of its lines' SKU presale days (dates or None); None when there is none."""
    times = [order_ship_from] if order_ship_from is not None else []
    times += [local_midnight(day, tz_name) for day in sku_days if day is not None]
    return max(times) if times else None


def local_midnight(day: date, tz_name):
    """The start of `day` in the warehouse's zone, as naive UTC (the ship-from time of a date)."""
    start = datetime.combine(day, time(0), tzinfo=ZoneInfo(tz_name))
    return start.astimezone(timezone.utc).replace(tzinfo=None)


def waits(ship_from_at, released_at, now):
    """True while the order is a presale held out of allocation by its date."""
    return ship_from_at is not None and released_at is None and now < ship_from_at


def should_hold(ship_from_at, released_at, now, mode, stock_complete):
    """True when allocation must leave the order waiting as a presale: before its ship-from time
    and not released; in `stock` mode only while its stock is not all there."""
    if not waits(ship_from_at, released_at, now):
        return False
    return mode != RELEASE_ON_STOCK or not stock_complete


def release_reason(ship_from_at, released_at, now, mode, stock_complete):
    """Why a held presale goes to allocation now (BY_DATE or BY_STOCK), or None while it waits."""
    if ship_from_at is None or released_at is not None:
        return None
    if now >= ship_from_at:
        return BY_DATE
    if mode == RELEASE_ON_STOCK and stock_complete:
        return BY_STOCK
    return None


def stock_complete(wanted, available):
    """True when, SKU by SKU, the available units ({sku_id: qty}) cover the wanted ones ({sku_id:
    qty}); a line with no SKU (unmatched) is never covered."""
    if not wanted:
        return False
    return all(sku_id is not None and available.get(sku_id, 0) >= qty for sku_id, qty in wanted.items())


def ship_by_start(paid_at, ship_from_at):
    """From when the channel's ship-by rule counts: the ship-from time of a presale paid before
    it, else the payment."""
    if ship_from_at is None:
        return paid_at
    if paid_at is None:
        return ship_from_at
    return max(paid_at, ship_from_at)


def later_ship_by(current, promised):
    """A presale's ship-by once its ship-from time is known: the rule's promise from that time, or
    the one it had when that is later (a platform's own promise already counting from it)."""
    if promised is None:
        return current
    if current is None:
        return promised
    return max(current, promised)


def parse_mode(text):
    """`date` or `stock` from a form (blank: `date`); ValueError for anything else."""
    value = (text or "").strip() or RELEASE_ON_DATE
    if value not in MODES:
        raise ValueError(value)
    return value

