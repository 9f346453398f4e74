"""Ship-by deadlines (承诺发货时间) as the desks see them, and the breach alert.

Every read goes through ix_orders_open_ship_by (open orders by ship-by, with their channel): the
counts walk the index's ranges (one per open state) up to the window's end, the overdue first, at most
COUNT_CAP entries, so a desk stays fast at a million orders however many are late (it then says
"10000+"). The alert is
a periodic job (wms.orders.jobs): orders not packed within the window, not yet alerted, are marked
by one conditional UPDATE (an order is alerted once, whichever worker ran the tick) and, after the
commit, pushed to the supervisors' sockets; the wall shows them in its deadlines panel.
"""
from collections import Counter
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, select, update

from wms import aftercommit, realtime
from wms.counters import changes
from wms.extensions import db
from wms.orders import ship_by
from wms.orders.models import Channel, Order, open_for_ship_by
from wms.rows import get_or_not_found
from wms.timeutil import utcnow

COUNT_CAP = 10_000        # the counts stop here ("10000+")
ALERTS_PER_RUN = 500      # the job marks at most this many per tick; the next tick takes the rest
ALERT_EVENT = "order.ship_by_due"
ROLE = "supervisor"


def _open():
    """The index's condition, word for word (SQLite uses a partial index only for the same term)."""
    return open_for_ship_by()


def alert_hours():
    """The breach window: SHIP_BY_ALERT_HOURS (default 2)."""
    return int(current_app.config.get("SHIP_BY_ALERT_HOURS") or ship_by.DEFAULT_ALERT_HOURS)


def due_counts(hours, now=None, cap=COUNT_CAP):
    """Open orders overdue and due within `hours`, in all and per channel, counted up to `cap`:
    {"overdue", "due", "capped", "hours", "channels": [{"id", "code", "name", "overdue", "due"}]}."""
    now = now or utcnow()
    overdue = _per_channel(Order.ship_by <= now, cap)
    due = _per_channel(and_(Order.ship_by > now, Order.ship_by <= now + timedelta(hours=hours)),
                       cap - sum(overdue.values()))
    names = {c.id: c for c in db.session.scalars(select(Channel).where(Channel.id.in_(set(overdue) | set(due))))}
    channels = [{"id": cid, "code": names[cid].code, "name": names[cid].name, "overdue": overdue[cid], "due": due[cid]}
                for cid in sorted(names, key=lambda cid: (-overdue[cid], -due[cid], names[cid].code))]
    return {"overdue": sum(overdue.values()), "due": sum(due.values()),
            "capped": sum(overdue.values()) + sum(due.values()) >= cap,
            "hours": hours, "channels": channels}


def _per_channel(window, cap):
    """{channel id: open orders in the ship-by window}, reading at most `cap` index entries."""
    if cap <= 0:
        return Counter()
    head = select(Order.channel_id).where(_open(), window).limit(cap).subquery()
    return Counter(dict(db.session.execute(select(head.c.channel_id, func.count()).group_by(head.c.channel_id)).all()))


def due_filter(hours, now=None):
    """The condition a desk adds to its query for "overdue or due within `hours`" (index-backed)."""
    return and_(_open(), Order.ship_by <= (now or utcnow()) + timedelta(hours=hours))


def alerted_orders(limit=10):
    """The alerted orders still not packed, soonest ship-by first (the wall's alert list)."""
    rows = db.session.execute(
        select(Order.id, Order.external_id, Order.ship_by, Order.status, Channel.code)
        .join(Channel, Channel.id == Order.channel_id)
        .where(_open(), Order.status.in_(ship_by.NOT_PACKED), Order.ship_by.is_not(None),
               Order.ship_by_alerted_at.is_not(None))
        .order_by(Order.ship_by).limit(limit)).all()
    return [_payload(*row) for row in rows]


def alert_breaches(now=None, hours=None):
    """Mark and announce every not-packed order whose ship-by falls within the window (or passed)
    and that was never alerted; the ids alerted now. Run again, it alerts none of them twice."""
    now = now or utcnow()
    hours = alert_hours() if hours is None else hours
    candidates = db.session.scalars(
        select(Order.id).where(_open(), Order.status.in_(ship_by.NOT_PACKED),
                               Order.ship_by <= now + timedelta(hours=hours), Order.ship_by_alerted_at.is_(None))
        .order_by(Order.ship_by).limit(ALERTS_PER_RUN)).all()
    if not candidates:
        return []
    won = db.session.execute(
        update(Order).where(Order.id.in_(candidates), Order.ship_by_alerted_at.is_(None))
        .values(ship_by_alerted_at=now, updated_at=Order.updated_at)
        .returning(Order.id, Order.external_id, Order.ship_by, Order.status)
        .execution_options(synchronize_session=False)).all()
    codes = dict(db.session.execute(select(Order.id, Channel.code).join(Channel, Channel.id == Order.channel_id)
                                    .where(Order.id.in_([row[0] for row in won]))).all())
    room = realtime.room_for_role(ROLE)
    for order_id, external_id, moment, status in sorted(won, key=lambda row: row[2]):
        realtime.publish(ALERT_EVENT, {**_payload(order_id, external_id, moment, status, codes[order_id]),
                                       "overdue": moment <= now}, room)
    changes.moved(db.session)   # the wall pushes a fresh snapshot with its alert list
    aftercommit.commit()
    return sorted(row[0] for row in won)


def set_channel_rule(channel_id, cutoff_text, hours_text, actor=None):
    """Set (or, both blank, clear) a channel's ship-by rule from a form's texts; a bad text is
    refused naming its field and changes nothing. New orders get it; imported ones keep theirs."""
    channel = get_or_not_found(Channel, channel_id, "No such channel")
    rule = ship_by.parse_rule(cutoff_text, hours_text)
    channel.ship_cutoff_minute, channel.ship_within_hours = rule.cutoff_minute, rule.within_hours
    db.session.commit()
    return channel


def _payload(order_id, external_id, moment, status, channel_code):
    return {"order_id": order_id, "external_id": external_id, "ship_by": moment.isoformat() + "Z",
            "status": status, "channel": channel_code}
