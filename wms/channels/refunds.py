"""Platform refunds and after-sales requests as events on our orders (issue 19 item 3).

The refund poll runs with the order sync (`sync_orders_and_refunds`, the sync job of every channel: the
ticker's periodic sync, "Sync now", and a Taobao refund push, which asks for a sync): it reads the
refunds changed since the channel's refund cursor (wms.channels.refunds_models.RefundCursor) from an
adapter that is a RefundSource (`fetch_refunds`), and acts on each at once
(wms.channels.refunds_rules.decide): before shipping an intercept (wms.aftersales.services.intercept_order)
or, for some units only, a hold at the review desk; after shipping an expected return, which the returns
screen lists and finds by its return tracking number (wms.aftersales.expected_returns). Each is a
PlatformRefund row (wms.aftersales.refund_models) and a line on the order's timeline.

Idempotent: a refund seen again with nothing changed writes nothing; a change (status, amount, the
return's tracking number) updates the row and notes the timeline once. A record that cannot be read stops
the poll with a clear error before anything of it is written; the cursor stays before it. Each refund is
its own transaction, and the cursor moves after it committed, so a crash re-reads at most what was being
applied, which the idempotency answers with "unchanged".
"""
import logging
from dataclasses import asdict, dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from wms import aftercommit
from wms.aftersales import cases
from wms.aftersales.refund_models import PlatformRefund
from wms.channels import refunds_rules as rules
from wms.channels.base import ChannelError, adapter_for, sandbox_overrides
from wms.channels.refunds_models import RefundCursor
from wms.errors import DomainError
from wms.extensions import db
from wms.orders.models import Channel, Order
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.wording import wording

log = logging.getLogger("wms.channels.refunds")

SYNC_ACTOR = "channel-sync"
TIMELINE = "refund"   # the kind of the order events a refund writes


@dataclass
class RefundSummary:
    """What one refund poll did, in counts (JSON-safe through to_dict)."""

    channel_id: int
    supported: bool = True      # False: the platform's adapter reports no refunds
    cursor_from: str | None = None
    cursor: str | None = None
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown_order: int = 0      # a refund of an order we never imported: nothing to act on
    intercepted: int = 0
    held: int = 0
    expected_returns: int = 0
    errors: list = field(default_factory=list)   # [{"refund_id", "message"}]: an act that failed

    def to_dict(self):
        return asdict(self)


def sync_orders_and_refunds(channel_id):
    """The channel's periodic sync: its orders first (a refund acts on an order the sync just brought),
    then its refunds when the platform reports them. Returns {"orders": ..., "refunds": ...}."""
    from wms.channels.services import sync_orders

    orders = sync_orders(channel_id).to_dict()
    refunds = sync_refunds(channel_id).to_dict()
    cases.cases_for_platform_requests(channel_id)   # each live request becomes an after-sales case (issue 21)
    return {**orders, "refunds": refunds}


def sync_refunds(channel_id, *, adapter=None):
    """Read the refunds changed since the channel's refund cursor and act on each; returns a RefundSummary.

    A ChannelError (unreachable platform, a record we cannot read) stops the poll; what was applied
    before it stays, and the cursor stands after the last refund applied."""
    channel = get_or_not_found(Channel, channel_id, "No such channel")
    summary = RefundSummary(channel_id)
    if channel.platform == "manual":
        summary.supported = False
        return summary
    adapter = adapter or adapter_for(channel, **sandbox_overrides(channel, current_app.config))
    if not hasattr(adapter, "fetch_refunds"):
        summary.supported = False
        return summary
    platform = channel.platform
    summary.cursor_from = summary.cursor = _cursor_of(channel_id)
    for record, cursor in adapter.fetch_refunds(summary.cursor_from):
        summary.fetched += 1
        apply_refund(channel_id, record, summary, platform=platform)
        _advance(channel_id, cursor, summary)
    _advance(channel_id, None, summary)
    log.info("refund poll done", extra={"channel_id": channel_id, "refunds": {
        k: v for k, v in summary.to_dict().items() if k != "errors"}})
    return summary


def apply_refund(channel_id, record, summary=None, *, platform=""):
    """Act on one refund record of the channel (its own transaction); returns what became of it:
    created | updated | unchanged | unknown_order. A record that cannot be read raises ChannelError and
    writes nothing."""
    summary = summary or RefundSummary(channel_id)
    found = rules.problems(record)
    if found:
        refund_id = record.get("refund_id") if isinstance(record, dict) else None
        raise ChannelError.worded("{platform} sent a refund we cannot read ({refund}): {problems}",
                                  platform=platform or "?", refund=str(refund_id or "?")[:64],
                                  problems="; ".join(found), details={"refund_id": str(refund_id or "")[:64]})
    refund = rules.clean(record)
    order = db.session.scalar(select(Order).where(Order.channel_id == channel_id,
                                                  Order.external_id == refund["external_id"]))
    if order is None:
        summary.unknown_order += 1
        return "unknown_order"
    row = db.session.scalar(select(PlatformRefund).where(PlatformRefund.channel_id == channel_id,
                                                         PlatformRefund.refund_id == refund["refund_id"]))
    wanted = rules.decide(refund["kind"], refund["status"], order.status, units=refund["units"],
                          order_units=order.item_count)
    if row is None:
        outcome = _record_new(channel_id, order, refund, wanted)
        if outcome == "unchanged":   # a concurrent poll wrote it first
            summary.unchanged += 1
            return outcome
    else:
        diff = rules.changed(_as_record(row), refund)
        if not diff and (wanted == rules.NOTED or wanted == row.action):
            summary.unchanged += 1
            return "unchanged"
        outcome = _record_change(row, order, refund, diff)
    setattr(summary, outcome, getattr(summary, outcome) + 1)
    if wanted != rules.NOTED and (outcome == "created" or wanted != row_action(channel_id, refund["refund_id"])):
        _act(channel_id, order.id, refund, wanted, summary)
    return outcome


def row_action(channel_id, refund_id):
    """What the refund's row says it did (after its own commit)."""
    return db.session.scalar(select(PlatformRefund.action).where(PlatformRefund.channel_id == channel_id,
                                                                 PlatformRefund.refund_id == refund_id))


def _record_new(channel_id, order, refund, wanted):
    """The refund's row (action: noted until the act succeeded) and its first line on the timeline."""
    row = PlatformRefund(channel_id=channel_id, order_id=order.id, action=rules.NOTED,
                         **{k: v for k, v in refund.items() if k not in ("external_id", "units")})
    db.session.add(row)
    order.note(wording("Platform refund {refund} ({kind}, {status}), {amount}: {reason}",
                       refund=refund["refund_id"], kind=wording(refund["kind"]), status=wording(refund["status"]),
                       amount=_money(refund["amount_cents"]), reason=refund["reason"] or "-"),
               actor=SYNC_ACTOR, kind=TIMELINE)
    try:
        aftercommit.commit()
    except IntegrityError:
        db.session.rollback()
        return "unchanged"
    return "created"


def _record_change(row, order, refund, diff):
    """The platform changed a known refund: the row follows, and the timeline says what changed."""
    for name in ("kind", "status", "reason", "amount_cents", "return_carrier", "return_tracking_number",
                 "requested_at"):
        setattr(row, name, refund[name])
    if "status" in diff:
        order.note(wording("Platform refund {refund} is now {status}", refund=row.refund_id,
                           status=wording(refund["status"])), actor=SYNC_ACTOR, kind=TIMELINE)
    if "return_tracking_number" in diff and refund["return_tracking_number"]:
        order.note(wording("Platform refund {refund}: the buyer sent the goods back with {carrier} {tracking}",
                           refund=row.refund_id, carrier=refund["return_carrier"] or "-",
                           tracking=refund["return_tracking_number"]), actor=SYNC_ACTOR, kind=TIMELINE)
    if "amount_cents" in diff:
        order.note(wording("Platform refund {refund}: the amount is now {amount}", refund=row.refund_id,
                           amount=_money(refund["amount_cents"])), actor=SYNC_ACTOR, kind=TIMELINE)
    aftercommit.commit()
    return "updated"


def _act(channel_id, order_id, refund, wanted, summary):
    """Do what the refund asks of the order, then say so on its row; a refusal is kept in the summary."""
    try:
        if wanted == rules.INTERCEPTED:
            _intercept(order_id, refund)
        elif wanted == rules.HELD:
            _hold(order_id, refund)
        else:
            _expect_return(order_id, refund)
    except DomainError as error:
        db.session.rollback()
        summary.errors.append({"refund_id": refund["refund_id"], "message": f"{wanted} failed: {error.message}"})
        return
    row = db.session.scalar(select(PlatformRefund).where(PlatformRefund.channel_id == channel_id,
                                                         PlatformRefund.refund_id == refund["refund_id"]))
    row.action = wanted
    aftercommit.commit()
    counter = {rules.INTERCEPTED: "intercepted", rules.HELD: "held", rules.EXPECT_RETURN: "expected_returns"}[wanted]
    setattr(summary, counter, getattr(summary, counter) + 1)


def _intercept(order_id, refund):
    from wms.aftersales.services import intercept_order

    intercept_order(order_id, reason=wording("refund {refund} on the platform: {reason}", refund=refund["refund_id"],
                                             reason=refund["reason"] or "-"), source="channel", actor=SYNC_ACTOR)


def _hold(order_id, refund):
    """Some units refunded before shipping: the desk decides (split them off, edit the lines)."""
    from wms.review.services import hold_order

    hold_order(order_id, reason=f"{refund['refund_id']}: {refund['reason'] or '-'}", actor=None, expected_version=None)
    order = db.session.get(Order, order_id)
    order.note(wording("Platform refund {refund} is for {units} of its units: on hold for the desk",
                       refund=refund["refund_id"], units=refund["units"]), actor=SYNC_ACTOR, kind=TIMELINE)
    aftercommit.commit()


def _expect_return(order_id, refund):
    order = db.session.get(Order, order_id)
    order.note(wording("Return expected for platform refund {refund}: tracking number {tracking}",
                       refund=refund["refund_id"], tracking=refund["return_tracking_number"] or "-"),
               actor=SYNC_ACTOR, kind=TIMELINE)


def _as_record(row):
    return {"kind": row.kind, "status": row.status, "amount_cents": row.amount_cents,
            "return_carrier": row.return_carrier, "return_tracking_number": row.return_tracking_number}


def _money(cents):
    return f"{cents // 100}.{cents % 100:02d}"


def _cursor_of(channel_id):
    row = db.session.get(RefundCursor, channel_id)
    return row.cursor if row else None


def _advance(channel_id, cursor, summary):
    """Move the channel's refund cursor forward only (None: just stamp the poll)."""
    db.session.expire_all()
    row = db.session.get(RefundCursor, channel_id)
    if row is None:
        row = RefundCursor(channel_id=channel_id)
        db.session.add(row)
    if cursor is not None and (row.cursor is None or cursor > row.cursor):
        row.cursor = cursor
    row.polled_at = utcnow()
    summary.cursor = row.cursor
    try:
        aftercommit.commit()
    except IntegrityError:   # a concurrent first poll made the row: the next poll moves it
        db.session.rollback()


def refund_status(channel_id, limit=20):
    """Where the channel's refund poll stands and its latest refunds (for its sync page)."""
    cursor = db.session.get(RefundCursor, channel_id)
    recent = db.session.scalars(select(PlatformRefund).where(PlatformRefund.channel_id == channel_id)
                                .order_by(PlatformRefund.id.desc()).limit(limit)).all()
    return {"refund_cursor": cursor.cursor if cursor else None, "refunds_polled_at": cursor.polled_at if cursor else None,
            "refunds": recent}
