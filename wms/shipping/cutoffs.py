"""Carrier cut-offs are local times of day; orders and waves compare them in UTC. Pure."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def next_cutoff(cutoffs, now_utc: datetime, tz_name: str):
    """The next cut-off after `now_utc` (naive UTC) for local "HH:MM" times, as naive UTC, or None."""
    if not cutoffs:
        return None
    zone = ZoneInfo(tz_name)
    local_now = now_utc.replace(tzinfo=timezone.utc).astimezone(zone)
    times = sorted(time.fromisoformat(text) for text in cutoffs)
    for day in (0, 1):
        date = local_now.date() + timedelta(days=day)
        for t in times:
            local = datetime.combine(date, t, tzinfo=zone)
            if local > local_now:
                return local.astimezone(timezone.utc).replace(tzinfo=None)
    return None
