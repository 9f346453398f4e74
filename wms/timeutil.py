"""Times are stored as naive UTC and shown in the warehouse's time zone."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo


def utcnow():
    """Now, as naive UTC (what every DateTime column holds)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(dt, tz_name):
    """A stored naive-UTC datetime in the given time zone (None stays None)."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz_name))
