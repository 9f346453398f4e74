"""Where the customer review (客审) hands an order on: approved, or to the finance desk (财审) when its
store has finance review on and a finance rule finds something. The review desk calls
`pass_customer_review` where it approves (automatically, by hand, on a release); part of the caller's
transaction (it never commits), so the review's own version check covers it.
"""
from sqlalchemy import select

from wms import realtime
from wms.catalog.models import Sku
from wms.extensions import db
from wms.finance import rules
from wms.finance.models import WAITING, FinanceCheck, FinanceRule
from wms.orders import states
from wms.timeutil import utcnow
from wms.wording import wording

ROOM = realtime.room_for_role("finance")


def pass_customer_review(order, *, reason, actor):
    """Approve an order the customer review passed, or send it to the finance desk with why.

    Transitions: imported | on_hold -> approved (no finance rule found anything, or the store has no
    finance review) | finance_review (the rules' reasons kept on its FinanceCheck).
    """
    found = findings(order)
    if not found:
        order.transition_to(states.APPROVED, reason=reason, actor=actor)
        return order.status
    order.transition_to(states.FINANCE_REVIEW, actor=actor, reason=wording(
        "{review}; waits for finance review: {reasons}", review=reason, reasons=[r["wording"] for r in found]))
    _keep(order, found)
    realtime.publish("finance.waiting", {"order_id": order.id, "external_id": order.external_id}, ROOM)
    return order.status


def findings(order):
    """The finance rules' reasons for an order ([] when its store has no finance review)."""
    if order.channel is None or not order.channel.finance_review:
        return []
    return rules.run_rules(facts(order), enabled_rules())


def enabled_rules():
    """{code: params} of the enabled finance rules (a rule never saved: on, with its defaults)."""
    rows = {row.code: row for row in db.session.scalars(select(FinanceRule))}
    return {code: {**rule.defaults, **((rows[code].params or {}) if code in rows else {})}
            for code, rule in rules.RULES.items() if code not in rows or rows[code].enabled}


def facts(order):
    """The order as the finance rules read it (the catalogue's costs in one query)."""
    sku_ids = {line.sku_id for line in order.lines if line.sku_id}
    costs = {}
    if sku_ids:
        costs = dict(db.session.execute(select(Sku.id, Sku.cost_cents).where(Sku.id.in_(sku_ids))).all())
    lines = tuple(rules.LineFacts(sku_code=line.sku_code, qty=line.qty, unit_price_cents=line.unit_price_cents or 0,
                                  list_price_cents=line.list_price_cents, cost_cents=costs.get(line.sku_id),
                                  is_gift=bool(getattr(line, "is_gift", False)))
                  for line in order.lines)
    return rules.OrderFacts(total_cents=order.total_cents or 0, currency=order.currency or "CNY",
                            cash_on_delivery=bool(order.cash_on_delivery),
                            invoice_requested=bool(order.invoice_requested), lines=lines)


def _keep(order, found):
    check = db.session.scalar(select(FinanceCheck).where(FinanceCheck.order_id == order.id))
    if check is None:
        check = FinanceCheck(order_id=order.id)
        db.session.add(check)
    check.reasons, check.outcome, check.held_at = [dict(r) for r in found], WAITING, utcnow()
    check.decided_at = check.decided_by = None
    check.note = ""
