"""The gift rules page's use cases: list, create, edit, switch on and off (supervisors).

A rule is saved from the form's text (the page and the JSON both send strings): every input is
checked, and a refusal names each wrong input (details["fields"]) with nothing saved. Times are
typed in the warehouse's time zone and stored as naive UTC. A rule is never deleted: its decisions
and the gift lines it added keep pointing at it; it is switched off instead.
"""
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import select

from wms.aftercommit import commit
from wms.catalog.models import Sku
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.inputs import actor_name, clean_text
from wms.orders.models import Channel
from wms.review import gift_models as gm
from wms.review.gift_models import GiftRule
from wms.rows import get_or_not_found

MAX_LIST = 50        # SKU codes, words, stores in one rule
MAX_COUNT = 1_000_000


def rules():
    """Every rule, active ones first, newest first."""
    return db.session.scalars(select(GiftRule).order_by(GiftRule.active.desc(), GiftRule.id.desc())).all()


def get_rule(rule_id):
    return get_or_not_found(GiftRule, int(rule_id), "No such gift rule")


def gift_sku_codes(rule_list):
    """{sku id: code} of the gift SKUs the rules name (the list and the form show codes)."""
    ids = {sku_id for rule in rule_list for sku_id in rule.gift_sku_ids or ()}
    if not ids:
        return {}
    return dict(db.session.execute(select(Sku.id, Sku.code).where(Sku.id.in_(ids))).all())


def ran_out(rule):
    """Why the rule adds nothing any more ("" while it still gives)."""
    if rule.first_orders is not None and rule.orders_given >= rule.first_orders:
        return gm.RAN_OUT_ORDERS
    if rule.total_max is not None and rule.units_given >= rule.total_max:
        return gm.RAN_OUT_TOTAL
    return rule.ran_out_reason or ""


def save_rule(values, *, actor, tz_name, rule_id=None):
    """Create a rule (rule_id None) or change one from the form's text values; returns the rule."""
    clean = _clean(values, tz_name)
    rule = GiftRule(created_by=actor_name(actor)) if rule_id is None else get_rule(rule_id)
    for name, value in clean.items():
        setattr(rule, name, value)
    rule.updated_by = actor_name(actor)
    rule.ran_out_reason, rule.ran_out_at = "", None   # changed: it gives again (as far as its limits allow)
    db.session.add(rule)
    commit()
    return rule


def set_active(rule_id, active, *, actor):
    """Switch a rule on or off (off: it adds no gift from now on; the lines it added stay)."""
    rule = get_rule(rule_id)
    rule.active, rule.updated_by = bool(active), actor_name(actor)
    commit()
    return rule


# --- reading the form ----------------------------------------------------------------------

def _clean(values, tz_name):
    problems, clean = {}, {}

    def take(name, read):
        try:
            clean.update(read(values.get(name)))
        except _Problem as problem:
            problems[name] = {"message": problem.message, "values": problem.values}

    take("name", _rule_name)
    take("channels", _channels)
    take("bought_skus", lambda text: {"bought_skus": _words(text)})
    take("min_amount", lambda text: {"min_amount_cents": _cents(text)})
    take("paid_from", lambda text: {"paid_from": _time(text, tz_name)})
    take("paid_until", lambda text: {"paid_until": _time(text, tz_name)})
    take("remark_words", lambda text: {"remark_words": _words(text)})
    take("first_orders", lambda text: {"first_orders": _count(text, required=False)})
    take("gift_kind", _kind)
    take("gift_qty", lambda text: {"gift_qty": _count(text)})
    take("per_order_max", lambda text: {"per_order_max": _count(text)})
    take("total_max", lambda text: {"total_max": _count(text, required=False)})
    clean["per_unit_bought"] = str(values.get("per_unit_bought") or "") in ("on", "1", "true", "yes")
    if "gift_kind" in clean:
        take("gift_skus", lambda text: {"gift_sku_ids": _gift_skus(text, clean["gift_kind"])})
    if clean.get("paid_from") and clean.get("paid_until") and clean["paid_until"] < clean["paid_from"]:
        problems["paid_until"] = {"message": "The end is before the start", "values": {}}
    if problems:
        first = next(iter(problems.values()))
        raise ValidationFailed.worded(first["message"], **first["values"],
                                      details={"field": next(iter(problems)), "fields": problems})
    return clean


class _Problem(Exception):
    def __init__(self, message, **values):
        super().__init__(message)
        self.message, self.values = message, values


def _rule_name(value):
    text = clean_text(value)
    if not text:
        raise _Problem("Give the rule a name")
    if len(text) > 120:
        raise _Problem("At most {limit} characters", limit=120)
    return {"name": text}


def _channels(value):
    ids = value if isinstance(value, (list, tuple)) else [v for v in clean_text(value).replace(",", " ").split() if v]
    try:
        ids = sorted({int(v) for v in ids})
    except (TypeError, ValueError):
        raise _Problem("Choose stores from the list") from None
    known = set(db.session.scalars(select(Channel.id).where(Channel.id.in_(ids)))) if ids else set()
    if set(ids) - known:
        raise _Problem("Choose stores from the list")
    return {"channel_ids": ids}


def _words(value):
    items = (value if isinstance(value, (list, tuple))
             else clean_text(value).replace("，", ",").replace("\n", ",").split(","))
    words = list(dict.fromkeys(str(w).strip() for w in items if str(w).strip()))
    if len(words) > MAX_LIST:
        raise _Problem("At most {limit} entries", limit=MAX_LIST)
    if any(len(w) > 64 or w == "*" for w in words):
        raise _Problem("An entry is longer than 64 characters or only '*'")
    return words


def _cents(value):
    text = clean_text(value)
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _Problem("'{amount}' is not an amount", amount=text) from None
    if not amount.is_finite() or amount < 0 or amount > 10_000_000 or amount != amount.quantize(Decimal("0.01")):
        raise _Problem("'{amount}' is not an amount between 0 and 10,000,000 with at most 2 decimals", amount=text)
    return int(amount * 100)


def _time(value, tz_name):
    text = clean_text(value)
    if not text:
        return None
    try:
        local = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise _Problem("'{time}' is not a date and time", time=text[:40]) from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(tz_name))
    return local.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)


def _count(value, required=True):
    text = clean_text(value)
    if not text:
        if required:
            raise _Problem("A whole number of at least 1")
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_COUNT:
        raise _Problem("A whole number of at least 1")
    return int(text)


def _kind(value):
    kind = clean_text(value) or gm.FIXED
    if kind not in gm.GIFT_KINDS:
        raise _Problem("Choose a fixed gift or a pool")
    return {"gift_kind": kind}


def _gift_skus(value, kind):
    codes = _words(value)
    if not codes:
        raise _Problem("Name the gift SKU")
    if kind == gm.FIXED and len(codes) != 1:
        raise _Problem("A fixed gift is one SKU; list several for a pool")
    found = dict(db.session.execute(select(Sku.code, Sku.id).where(Sku.code.in_(codes), Sku.active.is_(True))).all())
    missing = [code for code in codes if code not in found]
    if missing:
        raise _Problem("No active SKU {codes}", codes=", ".join(missing))
    return [found[code] for code in codes]
