"""Promised ship-by times (承诺发货时间): a channel's rule, and which orders count as open for it. Pure.

A platform may promise the buyer a ship-by time itself (the canonical record's `ship_by`); where it
does not, the channel's rule gives one from the time the order was paid: paid before the cut-off
(a wall-clock time in the warehouse's time zone) ships the same local day, by its end (24:00);
paid at or after it, within `within_hours` hours. A rule with only hours is "within N hours of
payment"; a rule with only a cut-off gives later payments the end of the next local day. Times in
and out are naive UTC, as stored; the local day is found through zoneinfo, so zones with daylight
saving (a 23- or 25-hour day) get the real end of their day.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wms.errors import ValidationFailed
from wms.orders import states

MAX_HOURS = 24 * 30          # a promise further than 30 days is a typo
DEFAULT_ALERT_HOURS = 2      # an order not packed this close to its ship-by raises the alert

# States in which an order can still miss its ship-by: not shipped, not closed. The partial index
# ix_orders_open_ship_by (wms.orders.models) is on these, in this order: a query names the same
# tuple so that SQLite and PostgreSQL see the index's condition in it.
OPEN = (states.IMPORTED, states.ON_HOLD, states.FINANCE_REVIEW, states.APPROVED, states.BACKORDER, states.ALLOCATED,
        states.WAVED, states.PICKING, states.PICKED, states.PACKED, states.LABELLED)
# Not packed yet: what the breach alert watches (a packed parcel only waits for its truck).
NOT_PACKED = (states.IMPORTED, states.ON_HOLD, states.FINANCE_REVIEW, states.APPROVED, states.BACKORDER,
              states.ALLOCATED, states.WAVED, states.PICKING, states.PICKED)


@dataclass(frozen=True)
class ShipByRule:
    """A channel's promise: `cutoff_minute` (minutes after local midnight, None: no same-day
    cut-off) and `within_hours` (None: the next local day's end after the cut-off)."""

    cutoff_minute: int | None = None
    within_hours: int | None = None

    @property
    def is_set(self):
        return self.cutoff_minute is not None or self.within_hours is not None


def promised(rule: ShipByRule, paid_at: datetime, tz_name: str) -> datetime | None:
    """The ship-by time (naive UTC) the rule gives an order paid at `paid_at` (naive UTC); None
    when the channel has no rule."""
    if not rule.is_set:
        return None
    if rule.cutoff_minute is None:
        return paid_at + timedelta(hours=rule.within_hours)
    zone = ZoneInfo(tz_name)
    local = paid_at.replace(tzinfo=timezone.utc).astimezone(zone)
    if local.hour * 60 + local.minute < rule.cutoff_minute:
        return _end_of_local_day(local.date(), zone)
    if rule.within_hours is not None:
        return paid_at + timedelta(hours=rule.within_hours)
    return _end_of_local_day(local.date() + timedelta(days=1), zone)


def _end_of_local_day(day, zone):
    """The next local midnight after `day`, as naive UTC."""
    midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return midnight.astimezone(timezone.utc).replace(tzinfo=None)


def is_due_soon(ship_by, now, hours):
    """True when `ship_by` falls within `hours` from `now` or has passed (None never is)."""
    return ship_by is not None and ship_by <= now + timedelta(hours=hours)


def parse_rule(cutoff_text, hours_text):
    """A ShipByRule from a form's texts ("16:00" or blank; "48" or blank), or ValidationFailed
    naming the field."""
    return ShipByRule(_cutoff(cutoff_text), _hours(hours_text, "ship_within_hours", MAX_HOURS))


def parse_window(hours_text, default=DEFAULT_ALERT_HOURS):
    """How many hours ahead a desk or the alert looks (1..168; blank: the default)."""
    hours = _hours(hours_text, "due_within", 168)
    return default if hours is None else hours


def cutoff_text(minute):
    """'16:00' for 960; '' for None (what the form shows)."""
    return "" if minute is None else f"{minute // 60:02d}:{minute % 60:02d}"


def check_zone(tz_name):
    """Refuse a time-zone name zoneinfo does not know."""
    try:
        ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed.worded("Unknown time zone '{zone}'", zone=str(tz_name), details={"field": "timezone"})


def _cutoff(text):
    text = (text or "").strip()
    if not text:
        return None
    hours, sep, minutes = text.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2
            and int(hours) < 24 and int(minutes) < 60):
        raise ValidationFailed.worded("The cut-off must be a time of day such as 16:00, not '{value}'", value=text,
                                      details={"field": "ship_cutoff"})
    return int(hours) * 60 + int(minutes)


def _hours(text, field, highest):
    text = str(text if text is not None else "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= highest:
        raise ValidationFailed.worded("Hours must be a whole number from 1 to {highest}, not '{value}'",
                                      highest=highest, value=text, details={"field": field})
    return int(text)
