"""Gift rules at review (赠品): add each matching rule's gift line to an order once, and let a
reviewer take a gift line off again.

`add_gifts` runs inside the review's transaction (services._check_and_decide for the automatic
review and a release, approve_order for a reviewer's approval) and does not commit. Per batch it
costs a few queries (the active rules, the decisions already made for these orders, the gift SKUs
and the pools' stock), one to three conditional UPDATEs per rule (claim_many), the gift lines and
their timeline notes, and one executemany of the decisions. The UPDATE is what keeps a rule's
limits under concurrent reviews: it adds to `units_given` / `orders_given` only while the total
and the first-N-orders limits still allow it, on the row as it is at that moment (PostgreSQL
re-reads a row another transaction changed before it updates; SQLite has one writer at a time), so
two reviews can never both take the last unit. A GiftDecision row per (order, rule), unique, makes
a second review of the order (a release after a hold, a re-import) add nothing again.

A pool's stock is what is available (on hand - reserved) when the batch is read, less what the
batch itself gave: allocation, not this check, is what reserves the units.
"""
from sqlalchemy import bindparam, case, func, insert, select, update

from wms.catalog import kit_services
from wms.catalog.models import Sku
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inventory.models import Reservation, StockItem
from wms.orders import states
from wms.orders.models import OrderLine
from wms.review import floor_effects
from wms.review import gift_models as gm
from wms.review import gift_rules
from wms.review.actions import action, load, save
from wms.timeutil import utcnow
from wms.wording import wording

GiftRule, GiftDecision = gm.GiftRule, gm.GiftDecision

# Why a rule stopped adding, as the timeline and the rules page say it.
RAN_OUT_WORDS = {gm.RAN_OUT_TOTAL: "its total of {total} gift units is given",
                 gm.RAN_OUT_ORDERS: "its first {orders} orders had their gift",
                 gm.RAN_OUT_STOCK: "no SKU of its pool has the stock"}


def terms_of(rule):
    """The pure module's view of a rule row."""
    return gift_rules.GiftTerms(
        id=rule.id, channel_ids=frozenset(rule.channel_ids or ()), bought=tuple(rule.bought_skus or ()),
        min_amount_cents=rule.min_amount_cents, paid_from=rule.paid_from, paid_until=rule.paid_until,
        remark_words=tuple(rule.remark_words or ()), gift_qty=rule.gift_qty, per_unit_bought=rule.per_unit_bought,
        per_order_max=rule.per_order_max)


def facts_of(order):
    return gift_rules.OrderFacts(
        id=order.id, channel_id=order.channel_id, total_cents=order.total_cents or 0,
        paid_at=order.ordered_at or order.created_at, buyer_remark=order.buyer_remark or "",
        lines=tuple(gift_rules.LineFacts(line.sku_code, line.qty, bool(line.is_gift)) for line in order.lines))


def add_gifts(orders, *, actor):
    """Every active rule an order matches and has not acted on it yet adds its gift line (or, run out,
    a timeline note saying why not). Part of the caller's transaction."""
    if not orders:
        return
    with db.session.no_autoflush:   # the review's own changes go at its commit: the claim is its first write
        _add_gifts(orders, actor)


def _add_gifts(orders, actor):
    rules = db.session.scalars(select(GiftRule).where(GiftRule.active.is_(True)).order_by(GiftRule.id)).all()
    if not rules:
        return
    decided = {tuple(row) for row in db.session.execute(select(GiftDecision.order_id, GiftDecision.rule_id).where(
        GiftDecision.order_id.in_([o.id for o in orders])))}
    skus = _gift_skus(rules)
    stock = kit_services.with_kits({sku_id for r in rules if r.gift_kind == gm.POOL for sku_id in r.gift_sku_ids or ()},
                                   _available)  # a kit in a pool: as many as its components make
    decisions = []
    for rule in rules:
        terms = terms_of(rule)
        wants = [(order, qty) for order in orders if (order.id, rule.id) not in decided
                 for qty in [gift_rules.wanted(terms, facts_of(order))] if qty]
        if wants:
            decisions += _give(rule, wants, skus, stock if rule.gift_kind == gm.POOL else None, actor)
    if decisions:
        db.session.execute(insert(GiftDecision), decisions)


def _give(rule, wants, skus, stock, actor):
    """One rule's gifts for the batch's orders that want one: the SKU each (a pool: by the stock left),
    the units claimed from the rule's counters, a line and a note each, or a note why not. Returns
    the decision rows."""
    pool = [sku_id for sku_id in rule.gift_sku_ids or () if sku_id in skus]
    picked = []
    for order, qty in wants:
        sku_id = gift_rules.pick_sku(pool, qty, stock)
        if sku_id is None and stock is None:
            continue   # a fixed gift whose SKU was switched off since: nothing to give, nothing ran out
        if sku_id is not None and stock is not None:
            stock[sku_id] -= qty
        picked.append((order, qty, sku_id))
    granted = claim_many(rule.id, [qty for _o, qty, sku_id in picked if sku_id is not None])
    decisions, ran_out = [], None
    for order, qty, sku_id in picked:
        given, why = next(granted) if sku_id is not None else (0, gm.RAN_OUT_STOCK)
        if not given:
            ran_out = ran_out or why
            decisions.append(dict(order_id=order.id, rule_id=rule.id, outcome=gm.NOT_ADDED, reason=why, sku_id=None,
                                  qty=0))
            order.note(wording("gift of rule '{rule}' not added: {why}", rule=rule.name,
                               why=ran_out_wording(rule, why)), actor=actor, kind="gift")
            continue
        sku = skus[sku_id]
        order.lines.append(OrderLine(sku_id=sku.id, sku_code=sku.code, name=sku.name, qty=given, unit_price_cents=0,
                                     is_gift=True, gift_rule_id=rule.id))
        decisions.append(dict(order_id=order.id, rule_id=rule.id, outcome=gm.ADDED, reason="", sku_id=sku.id,
                              qty=given))
        order.note(wording("gift added: {qty} x {sku} (rule '{rule}')", qty=given, sku=sku.code, rule=rule.name),
                   actor=actor, kind="gift")
    _mark(rule, ran_out, gave=any(d["outcome"] == gm.ADDED for d in decisions))
    return decisions


def _mark(rule, ran_out, *, gave):
    """The rules page's run-out mark: set when the rule ran out (first time), cleared when a pool that
    had run out of stock gave again."""
    if ran_out:
        db.session.execute(update(GiftRule).where(GiftRule.id == rule.id, GiftRule.ran_out_at.is_(None))
                           .values(ran_out_reason=ran_out, ran_out_at=utcnow()).execution_options(synchronize_session=False))
    elif gave and rule.ran_out_reason == gm.RAN_OUT_STOCK:
        db.session.execute(update(GiftRule).where(GiftRule.id == rule.id, GiftRule.ran_out_reason == gm.RAN_OUT_STOCK)
                           .values(ran_out_reason="", ran_out_at=None).execution_options(synchronize_session=False))


def ran_out_wording(rule, why):
    return wording(RAN_OUT_WORDS[why], total=rule.total_max or 0, orders=rule.first_orders or 0)


_CLAIM = (update(GiftRule)
          .where(GiftRule.id == bindparam("rule_id"), GiftRule.active.is_(True),
                 (GiftRule.total_max.is_(None)) | (GiftRule.units_given + bindparam("qty") <= GiftRule.total_max),
                 (GiftRule.first_orders.is_(None)) | (GiftRule.orders_given < GiftRule.first_orders))
          .values(units_given=GiftRule.units_given + bindparam("qty"), orders_given=GiftRule.orders_given + 1)
          .execution_options(synchronize_session=False))


_CLAIM_ALL = (update(GiftRule)
              .where(GiftRule.id == bindparam("rule_id"), GiftRule.active.is_(True),
                     (GiftRule.total_max.is_(None)) | (GiftRule.units_given + bindparam("units") <= GiftRule.total_max),
                     (GiftRule.first_orders.is_(None)) | (GiftRule.orders_given + bindparam("orders") <= GiftRule.first_orders))
              .values(units_given=GiftRule.units_given + bindparam("units"),
                      orders_given=GiftRule.orders_given + bindparam("orders"))
              .execution_options(synchronize_session=False))


def claim_many(rule_id, wants):
    """Yield (units granted, why none) for each order's want, in order: all of them by one conditional
    UPDATE when the rule's limits allow them all, else order by order (claim) until it runs out."""
    if not wants:
        return
    if _claim_all(rule_id, wants):
        yield from ((qty, "") for qty in wants)
        return
    shares, why = _what_is_left(rule_id, wants)   # it runs out in this batch: the orders before that, at once
    if any(shares) and _claim_all(rule_id, [share for share in shares if share]):
        yield from ((share, "" if share else why) for share in shares)
        return
    why = ""
    for qty in wants:
        given, why = (0, why) if why else claim(rule_id, qty)   # once it ran out, the rest of the batch gets none
        yield given, why


def _claim_all(rule_id, wants):
    return db.session.execute(_CLAIM_ALL, {"rule_id": rule_id, "units": sum(wants), "orders": len(wants)}).rowcount == 1


def _what_is_left(rule_id, wants):
    """Each want's share of what the rule has left now (first come first served) and why the rest get none."""
    left = db.session.execute(select(GiftRule.active, GiftRule.total_max, GiftRule.units_given,
                                     GiftRule.first_orders, GiftRule.orders_given).where(GiftRule.id == rule_id)).one()
    units = None if left.total_max is None else max(0, left.total_max - left.units_given)
    orders = None if left.first_orders is None else max(0, left.first_orders - left.orders_given)
    shares = []
    for qty in wants:
        share = 0 if not left.active or orders == 0 else qty if units is None else min(qty, units)
        units = None if units is None else units - share
        orders = orders if orders is None or not share else orders - 1
        shares.append(share)
    return shares, gm.RAN_OUT_ORDERS if orders == 0 else gm.RAN_OUT_TOTAL


def claim(rule_id, qty):
    """(units granted, why none) - up to `qty` units of the rule's total for one more order, by a
    conditional UPDATE on the rule's row; fewer when fewer are left, (0, reason) when it ran out."""
    while qty > 0:
        if db.session.execute(_CLAIM, {"rule_id": rule_id, "qty": qty}).rowcount == 1:
            return qty, ""
        left = db.session.execute(select(GiftRule.active, GiftRule.total_max, GiftRule.units_given,
                                         GiftRule.first_orders, GiftRule.orders_given)
                                  .where(GiftRule.id == rule_id)).one()
        if left.first_orders is not None and left.orders_given >= left.first_orders:
            return 0, gm.RAN_OUT_ORDERS
        if not left.active or left.total_max is None or left.units_given >= left.total_max:
            return 0, gm.RAN_OUT_TOTAL
        qty = min(qty, left.total_max - left.units_given)   # another review took some: the rest, if still there
    return 0, gm.RAN_OUT_TOTAL


def _gift_skus(rules):
    ids = {sku_id for rule in rules for sku_id in rule.gift_sku_ids or ()}
    if not ids:
        return {}
    return {sku.id: sku for sku in db.session.scalars(select(Sku).where(Sku.id.in_(ids), Sku.active.is_(True)))}


def _available(sku_ids):
    """Available stock (on hand - reserved, every warehouse) of the pools' SKUs."""
    if not sku_ids:
        return {}
    rows = db.session.execute(select(StockItem.sku_id, func.sum(StockItem.on_hand - StockItem.reserved))
                              .where(StockItem.sku_id.in_(sku_ids)).group_by(StockItem.sku_id))
    return {sku_id: 0 for sku_id in sku_ids} | {sku_id: int(total or 0) for sku_id, total in rows}


@action
def remove_gift(order_id, line_id, *, actor, expected_version):
    """A reviewer takes a gift line off an order that can still be changed; the rule gets the units
    back (its total counts gifts that go out) and will not add the gift to this order again."""
    order = load(order_id, expected_version, actor)
    states.require_editable(order)
    line = next((line for line in order.lines if line.id == int(line_id)), None)
    if line is None or not line.is_gift:
        raise ValidationFailed("That line is not a gift line of this order", field="line_id")
    if db.session.scalar(select(Reservation.id).where(Reservation.order_line_id == line.id).limit(1)) is not None:
        floor_effects.release_stock(order.id, wording("gift removed"), actor)
    if line.gift_rule_id is not None:
        _give_back(line.gift_rule_id, order.id, line.qty)
    order.note(wording("gift removed: {qty} x {sku}", qty=line.qty, sku=line.sku_code), actor=actor, kind="gift")
    order.lines.remove(line)
    return save(order)


def _give_back(rule_id, order_id, qty):
    db.session.execute(update(GiftRule).where(GiftRule.id == rule_id).values(
        units_given=case((GiftRule.units_given > qty, GiftRule.units_given - qty), else_=0),
        orders_given=case((GiftRule.orders_given > 0, GiftRule.orders_given - 1), else_=0),
        ran_out_reason="", ran_out_at=None).execution_options(synchronize_session=False))
    db.session.execute(update(GiftDecision).where(GiftDecision.order_id == order_id, GiftDecision.rule_id == rule_id)
                       .values(outcome=gm.REMOVED).execution_options(synchronize_session=False))

