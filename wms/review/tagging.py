"""Tag rules' use cases (订单分类): the supervisor's list (create, edit, switch on / off, reorder),
tagging orders as review approves them, and applying the rules again to the open orders (a job).

The matching and what applying does are wms.review.tag_rules (pure); this module loads the rules and
the orders, writes the outcome (and a timeline entry where it changed something) and commits.
"""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from wms import job_names, worker
from wms.aftercommit import commit
from wms.errors import ConcurrentUpdate
from wms.extensions import db
from wms.inputs import actor_name
from wms.orders import states
from wms.orders.models import Channel, Order
from wms.review import tag_rules
from wms.review.tag_models import OrderTag, TagRule, tag_key
from wms.rows import get_or_not_found
from wms.wording import wording

# The orders "apply to open orders now" reaches: reviewed, not yet on the floor (held ones too, so
# the desk's tag filter finds them).
OPEN_STATES = (states.ON_HOLD, states.APPROVED, states.BACKORDER, states.ALLOCATED)
CHUNK = 500            # orders per transaction of the job
RETRIES = 3            # a chunk a reviewer changed meanwhile is read and tagged again
PLATFORMS = ("manual", "shopify", "taobao", "jd", "pdd", "douyin")
# Each platform's name on the rules page (the admin's store form names them the same way).
PLATFORM_LABELS = {"manual": "Manual (spreadsheets)", "shopify": "Shopify", "taobao": "Taobao / Tmall",
                   "pdd": "Pinduoduo", "jd": "JD.com", "douyin": "Douyin shop"}


# --- the supervisor's list ------------------------------------------------------------------------

def list_rules():
    return db.session.scalars(select(TagRule).order_by(TagRule.position, TagRule.id)).all()


def get_rule(rule_id):
    return get_or_not_found(TagRule, rule_id, "No such tag rule")


def channel_choices():
    return db.session.execute(select(Channel.id, Channel.name).order_by(Channel.name)).all()


def _parse(form):
    known_channels = set(db.session.scalars(select(Channel.id)))
    return tag_rules.parse(form, known_channels=known_channels, known_platforms=set(PLATFORMS))


def create_rule(form, *, actor):
    """A new rule at the end of the list, switched on."""
    name, conditions, tags, priority = _parse(form)
    last = db.session.scalar(select(func.max(TagRule.position))) or 0
    rule = TagRule(name=name, conditions=conditions, tags=tags, priority=priority, position=last + 1,
                   updated_by=actor_name(actor))
    db.session.add(rule)
    commit()
    return rule


def update_rule(rule_id, form, *, actor, expected_version):
    """Change a rule's name, conditions, tags and priority (as the supervisor saw it: `expected_version`)."""
    rule = _load(rule_id, expected_version)
    rule.name, rule.conditions, rule.tags, rule.priority = _parse(form)
    return _save(rule, actor)


def set_enabled(rule_id, enabled, *, actor, expected_version):
    """Switch a rule on or off; a rule switched off tags nothing more (tags it added stay)."""
    rule = _load(rule_id, expected_version)
    rule.enabled = bool(enabled)
    return _save(rule, actor)


def move_rule(rule_id, direction, *, actor):
    """Move a rule one place up (direction < 0) or down: the order its tags are added in."""
    rules = list_rules()
    index = next((i for i, r in enumerate(rules) if r.id == rule_id), None)
    if index is None:
        get_rule(rule_id)   # the NotFound
    other = index + (-1 if direction < 0 else 1)
    if 0 <= other < len(rules):
        rules[index], rules[other] = rules[other], rules[index]
        for position, rule in enumerate(rules, start=1):
            if rule.position != position:
                rule.position, rule.updated_by = position, actor_name(actor)
        _commit_or_conflict(rules[other])
    return rules[other] if 0 <= other < len(rules) else rules[index]


def _load(rule_id, expected_version):
    rule = get_rule(rule_id)
    if expected_version is not None and rule.version != expected_version:
        raise _changed(rule)
    return rule


def _save(rule, actor):
    rule.updated_by = actor_name(actor)
    _commit_or_conflict(rule)
    return rule


def _commit_or_conflict(rule):
    try:
        commit()
    except StaleDataError:
        db.session.rollback()
        raise _changed(db.session.get(TagRule, rule.id)) from None


def _changed(rule):
    return ConcurrentUpdate.worded("{who} changed the rule '{rule}' meanwhile; look at it again and save once more",
                                   who=rule.updated_by if rule else "", rule=rule.name if rule else "",
                                   details={"current_version": rule.version if rule else None})


# --- applying the rules ---------------------------------------------------------------------------

def enabled_rules():
    """The switched-on rules as the matcher reads them, in the list's order."""
    return [tag_rules.rule_of(r.id, r.conditions, r.tags, r.priority)
            for r in list_rules() if r.enabled]


def facts_of(order, *, with_skus=True):
    """What the rules read of an order (its lines' codes: as sent, and the matched SKU's; none when
    no rule asks for SKUs)."""
    codes = {tag_rules.sku_key(line.sku_code) for line in order.lines} if with_skus else set()
    if with_skus:
        codes |= {tag_rules.sku_key(line.sku.code) for line in order.lines if line.sku_id and line.sku is not None}
    return tag_rules.OrderFacts(
        channel_id=order.channel_id, platform=order.channel.platform if order.channel else "",
        province=order.province or "", city=order.city or "", currency=order.currency or "",
        total_cents=order.total_cents or 0, skus=frozenset(codes), remarks=(order.buyer_remark or "",
                                                                            order.seller_note or ""),
        tags=tuple(order.tags or ()), priority=order.priority or 0)


def tag_orders(orders, *, actor, rules=None):
    """Apply the enabled rules to these orders in the caller's transaction (review, as it approves
    them; it commits). Returns how many changed; each changed one gets a timeline entry."""
    rules = enabled_rules() if rules is None else rules
    if not rules or not orders:
        return 0
    changed, with_skus = 0, any(rule.skus for rule in rules)
    for order in orders:
        facts = facts_of(order, with_skus=with_skus)
        outcome = tag_rules.apply(rules, facts)
        if outcome.changed(facts):
            _write(order, facts, outcome, actor)
            changed += 1
    return changed


def _write(order, facts, outcome, actor):
    said = []
    added = outcome.tags[len(facts.tags):] if outcome.tags[:len(facts.tags)] == list(facts.tags) else outcome.tags
    if outcome.tags != list(facts.tags):
        order.tags = list(outcome.tags)
        said.append(wording("tags added: {tags}", tags=", ".join(added)))
    if outcome.priority != facts.priority:
        order.priority = outcome.priority
        said.append(wording("priority {old} -> {new}", old=facts.priority, new=outcome.priority))
    order.note(wording("tag rules: {changes}", changes=said), actor=actor, kind="edit")


def apply_to_open_orders_later(*, actor):
    """Queue the job that applies the enabled rules to every open order; returns how many it will read."""
    count = db.session.scalar(select(func.count(Order.id)).where(Order.status.in_(OPEN_STATES)))
    worker.enqueue(job_names.APPLY_TAG_RULES, actor_name(actor))
    commit()
    return count


def apply_to_open_orders(*, actor):
    """The job: the enabled rules on every open order, CHUNK orders a transaction (ids ascending, so a
    run again after a failure starts over harmlessly: applying twice equals once). Returns
    {"orders": read, "changed": changed}."""
    rules, after, read, changed = enabled_rules(), 0, 0, 0
    if not rules:
        return {"orders": 0, "changed": 0}
    while True:
        ids = db.session.scalars(select(Order.id).where(Order.status.in_(OPEN_STATES), Order.id > after)
                                 .order_by(Order.id).limit(CHUNK)).all()
        if not ids:
            return {"orders": read, "changed": changed}
        changed += _tag_chunk(ids, rules, actor)
        read, after = read + len(ids), ids[-1]


def _tag_chunk(ids, rules, actor):
    for attempt in range(RETRIES):
        orders = db.session.scalars(
            select(Order).where(Order.id.in_(ids), Order.status.in_(OPEN_STATES))
            .options(selectinload(Order.lines), selectinload(Order.channel))).all()
        changed = tag_orders(orders, actor=actor, rules=rules)
        try:
            commit()
            return changed
        except StaleDataError:   # a reviewer saved one of them meanwhile: read the chunk again
            db.session.rollback()
    raise ConcurrentUpdate.worded("These orders kept changing while the tag rules were applied; try again")


# --- the desk's tag filter ---------------------------------------------------------------------------

def orders_tagged(tag):
    """The ids of orders carrying `tag` (a subquery for the desk's filter)."""
    return select(OrderTag.order_id).where(OrderTag.key == tag_key(tag))


def known_tags(limit=200):
    """Tags the rules add, for the filters' suggestions."""
    seen = {}
    for rule in list_rules():
        for tag in rule.tags or ():
            seen.setdefault(tag_key(tag), tag)
    return list(seen.values())[:limit]


def rebuild_tag_rows():
    """Backfill order_tags from every order's tags (after the migration that adds it)."""
    db.session.execute(OrderTag.__table__.delete())
    for order_id, tags in db.session.execute(select(Order.id, Order.tags)):
        for key in dict.fromkeys(tag_key(t) for t in tags or ()):
            if key:
                db.session.add(OrderTag(order_id=order_id, key=key))
    db.session.commit()
