"""Review settings use cases: switch and order the rules, tune their parameters, keep the blacklist."""
import json
from datetime import timedelta

from sqlalchemy import func, select

from wms.errors import NotFound, ValidationFailed
from wms.extensions import db
from wms.inputs import actor_name
from wms.orders.models import Order
from wms.review import checks, rules
from wms.review.models import BlacklistEntry
from wms.rows import get_or_not_found
from wms.timeutil import utcnow


def rule_settings():
    """The rules in run order, created with defaults if missing."""
    rows = checks.ensure_rules()
    db.session.commit()
    return rows


def save_rule_settings(settings, *, actor):
    """settings: {code: {"enabled": bool, "position": int, "params": dict | JSON text, "choice": str}}.

    Everything is checked before anything changes: a bad value refuses the whole save."""
    rows = {row.code: row for row in checks.ensure_rules()}
    planned = {code: _planned(rows.get(code), code, values) for code, values in (settings or {}).items()}
    for code, (enabled, position, params) in planned.items():
        row = rows[code]
        row.enabled, row.position = enabled, position
        if params is not None:
            row.params = params
        row.updated_by = actor_name(actor)
    _renumber(rows.values())
    db.session.commit()
    return sorted(rows.values(), key=lambda row: row.position)


def _planned(row, code, values):
    """(enabled, position, params or None) for one rule, or ValidationFailed."""
    if row is None:
        raise _refused("Unknown rule '{rule}'", code)
    try:
        position = int(values.get("position", row.position))
    except (TypeError, ValueError):
        raise _refused("{rule}: position must be a number", code) from None
    params = _params(code, values["params"]) if "params" in values else None
    if "choice" in values:
        if code not in rules.CHOICES:
            raise _refused("{rule}: this rule has no choice to make", code)
        params = _params(code, {**(row.params if params is None else params), rules.CHOICES[code][0]: values["choice"]})
    return bool(values.get("enabled")), position, params


def move_rule(code, direction, *, actor):
    """Swap a rule with its neighbour (direction -1 up, +1 down)."""
    ordered = checks.ensure_rules()
    index = next((i for i, row in enumerate(ordered) if row.code == code), None)
    if index is None:
        raise NotFound.worded("Unknown rule '{rule}'", rule=code)
    other = index + (1 if int(direction) > 0 else -1)
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        ordered[index].updated_by = actor_name(actor)
    _renumber(ordered, keep_order=True)
    db.session.commit()
    return ordered


def _renumber(rows, keep_order=False):
    ordered = list(rows) if keep_order else sorted(rows, key=lambda row: (row.position, row.code))
    for position, row in enumerate(ordered, start=1):
        row.position = position


def _params(code, value):
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}")
        except json.JSONDecodeError as error:
            raise _refused("{rule}: parameters are not valid JSON ({error})", code, error=error.msg) from None
    if not isinstance(value, dict):
        raise _refused("{rule}: parameters must be a JSON object", code)
    unknown = set(value) - set(rules.RULES[code].defaults) - ({"threshold_cents"} if code == "amount" else set())
    if unknown:
        raise _refused("{rule}: unknown parameter(s) {names}", code, names=", ".join(sorted(unknown)))
    if "threshold_cents" in value:  # before currencies: the CNY threshold
        if not (isinstance(value["threshold_cents"], int) and value["threshold_cents"] >= 0):
            raise _refused("{rule}: threshold_cents must be a whole number of cents", code)
        value = {**{k: v for k, v in value.items() if k != "threshold_cents"},
                 "thresholds": {**value.get("thresholds", {}), "CNY": value["threshold_cents"]}}
    if "thresholds" in value:
        value["thresholds"] = _thresholds(code, value["thresholds"])
    if code in rules.CHOICES:
        name, choices = rules.CHOICES[code]
        if name in value and value[name] not in choices:
            raise _refused("{rule}: {name} must be one of {choices}", code, name=name, choices=", ".join(choices))
    return value


def _thresholds(code, value):
    """{"CNY": 500000, "usd": 100000} -> upper-case ISO 4217 codes to whole cents."""
    if not isinstance(value, dict):
        raise _refused("{rule}: thresholds must map a currency to cents, such as {example}", code,
                       example='{"CNY": 500000}')
    clean = {}
    for currency, cents in value.items():
        currency = str(currency).strip().upper()
        if not (len(currency) == 3 and currency.isalpha() and currency.isascii()):
            raise _refused("{rule}: '{currency}' is not a three-letter currency code", code, currency=currency)
        if not (isinstance(cents, int) and not isinstance(cents, bool) and cents >= 0):
            raise _refused("{rule}: the {currency} threshold must be a whole number of cents", code, currency=currency)
        clean[currency] = cents
    return clean


def _refused(template, code, **values):
    """A refused rule setting, named by the rule's code (`field`: the page marks that rule's row) and
    kept as a template with its values so each reader sees it in their language."""
    return ValidationFailed.worded(template, rule=code, **values, details={"field": code})


def currencies_without_threshold(days=90):
    """Currencies of the orders of the last `days` days that the amount rule has no threshold for."""
    row = next((r for r in checks.ensure_rules() if r.code == "amount"), None)
    thresholds = rules.amount_thresholds({**rules.RULES["amount"].defaults, **((row.params if row else None) or {})})
    seen = db.session.scalars(_currencies_used_since(utcnow() - timedelta(days=days))).all()
    return sorted({(c or "CNY").upper() for c in seen} - set(thresholds))


def _currencies_used_since(since):
    """The currencies of the orders created since `since`, without reading those orders: the distinct
    currencies are walked on ix_orders_currency_created (one probe each: min(currency) > the last),
    and each is kept when its own range of that index holds an order since then (one probe more).
    A DISTINCT over 90 days of orders read a quarter of a year's orders (190 ms at 1M orders)."""
    walked = select(func.min(Order.currency).label("code")).cte("currencies", recursive=True)
    following = select(func.min(Order.currency)).where(Order.currency > walked.c.code).scalar_subquery()
    walked = walked.union_all(select(following.label("code")).where(walked.c.code.is_not(None)))
    used = select(Order.id).where(Order.currency == walked.c.code, Order.created_at >= since).exists()
    return select(walked.c.code).where(walked.c.code.is_not(None), used)


def blacklist():
    return db.session.scalars(select(BlacklistEntry).order_by(BlacklistEntry.kind, BlacklistEntry.value)).all()


def add_blacklist_entry(kind, value, *, note="", actor):
    """Blacklist a buyer name, phone or address (normalised, so spacing and +86 do not matter)."""
    if kind not in BlacklistEntry.KINDS:
        raise ValidationFailed("Kind must be buyer, phone or address", field="kind")
    value = (value or "").strip()
    key = rules.normalise(kind, value)
    if not key:
        raise ValidationFailed("Enter a value to blacklist", field="value")
    if len(value) > 500 or len(note or "") > 500:
        raise ValidationFailed("Value or note is too long (500 characters)", field="value")
    if db.session.scalar(select(BlacklistEntry.id).where(BlacklistEntry.kind == kind, BlacklistEntry.value_key == key)):
        raise ValidationFailed("Already on the blacklist", field="value")
    entry = BlacklistEntry(kind=kind, value=value, value_key=key, note=(note or "").strip(),
                           created_by=actor_name(actor))
    db.session.add(entry)
    db.session.commit()
    return entry


def remove_blacklist_entry(entry_id, *, actor):
    entry = get_or_not_found(BlacklistEntry, int(entry_id), "Blacklist entry not found")
    db.session.delete(entry)
    db.session.commit()
