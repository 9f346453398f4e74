"""Finance review (财审) use cases: the desk's list, a finance user's approve and reject (one order or
many), the rules' settings and a store's switch.

An action takes the order id, the acting User and the Order.version the finance user saw: a stale
version (or a concurrent commit caught by the version_id_col) is ConcurrentUpdate naming who changed
the order and when, and nothing of the loser is written.
"""
import functools
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.exc import StaleDataError

from wms import realtime
from wms.aftercommit import commit
from wms.auth.access import require_channel
from wms.errors import DomainError, IllegalTransition, ValidationFailed, error_text
from wms.catalog.models import Sku
from wms.extensions import db
from wms.finance import rules
from wms.finance.gate import ROOM
from wms.finance.models import APPROVED, REJECTED, FinanceCheck, FinanceRule
from wms.inputs import actor_name
from wms.inventory import jobs as inventory_jobs
from wms.orders import states
from wms.orders.conflicts import conflict
from wms.orders.models import Channel, Order
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.wording import wording
from wms.worker import enqueue

ROOMS = (realtime.room_for_role("supervisor"), realtime.room_for_role("reviewer"), ROOM)
PAGE_SIZE = 100
MAX_NOTE = 500


@dataclass(frozen=True)
class DeskFilters:
    channel_id: int | None = None
    platform: str = ""


def waiting(filters=DeskFilters(), limit=PAGE_SIZE):
    """{"rows": [(order, check)], "total": n}: orders waiting for finance, oldest first."""
    query = (select(Order, FinanceCheck).outerjoin(FinanceCheck, FinanceCheck.order_id == Order.id)
             .where(Order.status == states.FINANCE_REVIEW))
    if filters.channel_id:
        query = query.where(Order.channel_id == filters.channel_id)
    if filters.platform:
        query = query.where(Order.channel_id.in_(select(Channel.id).where(Channel.platform == filters.platform)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.join(Order.channel)
                              .options(contains_eager(Order.channel), selectinload(Order.lines))
                              .order_by(Order.created_at, Order.id).limit(limit)).all()
    return {"rows": [(order, check) for order, check in rows], "total": total}


def _action(fn):
    """Run an action without autoflush, so that the one flush at commit carries the version check."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with db.session.no_autoflush:
            return fn(*args, **kwargs)

    return run


@_action
def approve(order_id, *, actor, expected_version, note=""):
    """A finance user lets the order go on to allocation.

    Transitions: finance_review -> approved.
    """
    note = _note(note, required=False)
    order, check = _load(order_id, expected_version, actor)
    order.transition_to(states.APPROVED, actor=actor, reason=wording("finance approved: {note}", note=note)
                        if note else wording("finance approved"))
    _decide(check, order, APPROVED, actor, note)
    enqueue(inventory_jobs.allocate_orders, [order.id])
    return _save(order, states.FINANCE_REVIEW)


@_action
def reject(order_id, *, actor, expected_version, reason):
    """A finance user sends the order back to the customer review desk (旺店通's 财审驳回): on hold with
    the reason, for a reviewer to fix, cancel or approve again (which asks finance again).

    Transitions: finance_review -> on_hold.
    """
    reason = _note(reason, required=True)
    order, check = _load(order_id, expected_version, actor)
    order.transition_to(states.ON_HOLD, actor=actor, reason=wording("finance rejected: {reason}", reason=reason))
    order.hold_reasons = [states.hold_reason("finance", "finance rejected: {reason}", reason=reason)]
    _decide(check, order, REJECTED, actor, reason)
    return _save(order, states.FINANCE_REVIEW)


def bulk(order_ids, decision, *, actor, note="", expected_versions=None):
    """Approve or reject many orders, each on its own: one refused never stops the rest.

    Returns [{"order_id", "external_id", "outcome": decision | "skipped", "reason" (English), "text"
    (the reader's language)}].
    """
    if decision not in ("approve", "reject"):
        raise ValidationFailed("Choose approve or reject", field="decision")
    if decision == "reject":
        _note(note, required=True)   # refused once for all, before any order is touched
    results = []
    for order_id in dict.fromkeys(int(i) for i in order_ids):
        order = db.session.get(Order, order_id)
        row = {"order_id": order_id, "external_id": order.external_id if order else None}
        version = (expected_versions or {}).get(order_id)
        try:
            if decision == "approve":
                approve(order_id, actor=actor, expected_version=version, note=note)
            else:
                reject(order_id, actor=actor, expected_version=version, reason=note)
            results.append({**row, "outcome": decision, "reason": "", "text": ""})
        except DomainError as error:
            db.session.rollback()
            results.append({**row, "outcome": "skipped", "reason": error.message, "text": error_text(error)})
    return results


def _note(text, *, required):
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed("Give a reason for the rejection", field="reason")
    if len(text) > MAX_NOTE:
        raise ValidationFailed.worded("The reason is too long ({most} characters at most)", most=MAX_NOTE,
                                      details={"field": "reason"})
    return text


def _load(order_id, expected_version, actor):
    order = get_or_not_found(Order, int(order_id), "Order not found", order_id=order_id)
    require_channel(actor, order.channel.code if order.channel else "")
    if expected_version is not None and int(expected_version) != order.version:
        raise conflict(order)
    if order.status != states.FINANCE_REVIEW:
        raise IllegalTransition.worded("Order {order} is '{status}', not waiting for finance review",
                                       order=order.external_id, status=wording(order.status),
                                       details={"current": order.status})
    check = db.session.scalar(select(FinanceCheck).where(FinanceCheck.order_id == order.id))
    return order, check


def _decide(check, order, outcome, actor, note):
    if check is None:   # an order put in finance_review before the desk kept its reasons
        check = FinanceCheck(order_id=order.id, reasons=[])
        db.session.add(check)
    check.outcome, check.decided_at, check.note = outcome, utcnow(), note
    check.decided_by = actor_name(actor)


def _save(order, before):
    order.updated_at = utcnow()   # the row is dirty: the version check always runs
    change = {"order_id": order.id, "external_id": order.external_id, "from": before, "to": order.status,
              "reasons": order.hold_codes}
    for room in ROOMS:
        realtime.publish("order.state_changed", change, room)
    order_id = order.id
    try:
        commit()
    except StaleDataError:
        db.session.rollback()
        raise conflict(db.session.get(Order, order_id)) from None
    return order


# --- settings ----------------------------------------------------------------------------------

def rule_settings():
    """[(code, enabled, params)] of every finance rule, a rule never saved with its defaults."""
    rows = {row.code: row for row in db.session.scalars(select(FinanceRule))}
    return [(code, rows[code].enabled if code in rows else True,
             {**rule.defaults, **((rows[code].params or {}) if code in rows else {})})
            for code, rule in rules.RULES.items()]


def save_rule_settings(settings, *, actor):
    """settings: {code: {"enabled": bool, "params": dict}}; everything is checked before anything is
    written: one bad value refuses the whole save."""
    planned = {}
    for code, values in (settings or {}).items():
        if code not in rules.RULES:
            raise ValidationFailed.worded("Unknown rule '{rule}'", rule=code, details={"field": code})
        planned[code] = (bool(values.get("enabled")), rules.clean_params(code, values.get("params") or {}))
    rows = {row.code: row for row in db.session.scalars(select(FinanceRule))}
    for code, (enabled, params) in planned.items():
        row = rows.get(code) or FinanceRule(code=code)
        row.enabled, row.params = enabled, params
        row.updated_by = actor_name(actor)
        db.session.add(row)
    db.session.commit()
    return rule_settings()


def set_sku_cost(code, cost_text, *, actor):
    """Set (or clear, with a blank) what one unit of a SKU costs us, for the price-below-cost rule."""
    code = (code or "").strip()
    cents = rules.parse_cost(cost_text)   # before the lookup: a bad amount is refused whatever the code
    sku = db.session.scalar(select(Sku).where(Sku.code == code)) if code else None
    if sku is None:
        raise ValidationFailed.worded("No SKU '{sku}'", sku=code, details={"field": "sku"})
    sku.cost_cents = cents
    db.session.commit()
    return sku


def costed_skus(limit=50):
    """(SKUs with a cost, by code, up to `limit`; how many there are)."""
    total = db.session.scalar(select(func.count(Sku.id)).where(Sku.cost_cents.is_not(None)))
    rows = db.session.scalars(select(Sku).where(Sku.cost_cents.is_not(None)).order_by(Sku.code).limit(limit)).all()
    return rows, total


def set_channel_finance_review(channel_id, enabled, *, actor):
    """Switch a store's finance review on or off (orders already waiting stay on the finance desk)."""
    channel = get_or_not_found(Channel, int(channel_id), "Unknown store")
    channel.finance_review = bool(enabled)
    db.session.commit()
    return channel
