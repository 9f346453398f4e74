"""Loading what the rules need, in bulk: snapshots, the enabled rules, catalogue, blacklist, duplicates.

A batch of 1,000 orders costs a fixed handful of queries (rules, SKUs, blacklist, duplicate
candidates), never one per order.
"""
from sqlalchemy import select

from wms.catalog.models import Sku
from wms.errors import ValidationFailed
from wms.extensions import db
from wms.orders import states
from wms.orders.models import Order
from wms.contacts import cn_divisions
from wms.contacts.address import province_from_name
from wms.review import rules
from wms.review.models import BlacklistEntry, ReviewRule
from wms.timeutil import utcnow
from wms.wording import wording

ADDRESS_FIELDS = frozenset({"country", "province", "city", "district", "address", "postcode"})
_CHUNK = 500


def now():
    return utcnow()


def snapshot(order):
    """A plain copy of what the rules look at."""
    return rules.OrderSnapshot(
        id=order.id, external_id=order.external_id, channel_id=order.channel_id,
        buyer_name=order.buyer_name or "", buyer_phone=order.buyer_phone or "",
        buyer_email=order.buyer_email or "", country=order.country or "CN",
        province=order.province or "", city=order.city or "", district=order.district or "",
        address=order.address or "", postcode=order.postcode or "",
        total_cents=order.total_cents or 0, currency=order.currency or "CNY",
        payment_status=order.payment_status or "", buyer_remark=order.buyer_remark or "",
        lines=[rules.LineSnapshot(line.sku_code, line.qty, line.sku_id) for line in order.lines])


def ensure_rules():
    """The rule rows, created with their defaults when missing (first run, or a new rule)."""
    rows = {row.code: row for row in db.session.scalars(select(ReviewRule))}
    position = max((row.position for row in rows.values()), default=0)
    for index, code in enumerate(rules.DEFAULT_ORDER):
        if code not in rows:
            position = max(position, index) + 1
            rows[code] = ReviewRule(code=code, enabled=True, position=position,
                                    params=dict(rules.RULES[code].defaults))
            db.session.add(rows[code])
    return sorted(rows.values(), key=lambda row: (row.position, row.code))


def enabled_rules():
    """[(code, params)] of the enabled rules in their order."""
    return [(row.code, row.params or {}) for row in ensure_rules() if row.enabled and row.code in rules.RULES]


def load_context(snapshots, codes):
    """The ReviewContext for a batch; only what the enabled rules need is loaded."""
    ctx = rules.ReviewContext()
    ctx.sku_ids = _sku_ids({line.sku_code for snap in snapshots for line in snap.lines})
    ctx.sku_codes = frozenset(ctx.sku_ids)
    if "blacklist" in codes:
        ctx.blacklist = {}
        for kind, key in db.session.execute(select(BlacklistEntry.kind, BlacklistEntry.value_key)):
            ctx.blacklist.setdefault(kind, set()).add(key)
    if "duplicate" in codes:
        ctx.duplicates = _duplicates(snapshots)
    return ctx


def _sku_ids(codes):
    found = {}
    codes = list(codes)
    for start in range(0, len(codes), _CHUNK):
        found.update(db.session.execute(
            select(Sku.code, Sku.id).where(Sku.code.in_(codes[start:start + _CHUNK]))).all())
    return found


_DUP_COLUMNS = (Order.id, Order.external_id, Order.buyer_name, Order.buyer_phone, Order.country,
                Order.province, Order.city, Order.district, Order.address, Order.postcode)


def _duplicates(snapshots):
    """duplicate_key -> [(id, external_id)] of every not-yet-shipped order sharing a batch key."""
    phones = set()
    for snap in snapshots:
        phones.update(rules.phone_forms(snap.buyer_phone, snap.country))
    keys = {rules.duplicate_key(snap) for snap in snapshots}
    phones, found = list(phones), {}
    live = states.BEFORE_SHIPPING
    for start in range(0, len(phones), _CHUNK):
        rows = db.session.execute(select(*_DUP_COLUMNS).where(
            Order.buyer_phone.in_(phones[start:start + _CHUNK]), Order.status.in_(live)))
        for row in rows:
            other = rules.OrderSnapshot(**{col.key: getattr(row, col.key) or "" for col in _DUP_COLUMNS})
            key = rules.duplicate_key(other)
            if key in keys:
                found.setdefault(key, []).append((row.id, row.external_id))
    return found


def fill_address(order, parsed):
    """Parsed parts fill province/city/district where the order left them empty (or wrote the
    province in pinyin / English: "Zhejiang" becomes 浙江省)."""
    if parsed is None or not parsed.city:
        return
    for name in ("province", "city", "district"):
        current = getattr(order, name)
        if getattr(parsed, name) and (not current or (name == "province" and current.isascii())):
            setattr(order, name, getattr(parsed, name))


def reparse_address(order):
    """After an edit: the parsed parts replace province/city/district, the rest stays the street."""
    if (order.country or "CN").upper() != "CN":
        return
    province = province_from_name(order.province) or order.province
    parsed = cn_divisions.parse_cn("".join((province, order.city, order.district, order.address)))
    if parsed.city:
        order.province, order.city, order.district = parsed.province, parsed.city, parsed.district
        if parsed.rest:
            order.address = parsed.rest


def match_lines(order, ctx):
    """Lines whose code is now in the catalogue get their SKU."""
    for line in order.lines:
        if line.sku_id is None and line.sku_code in ctx.sku_ids:
            line.sku_id = ctx.sku_ids[line.sku_code]


def clean_edits(changes, allowed):
    """Only known fields, strings, trimmed, within their length; country upper-cased."""
    clean = {}
    for name, value in (changes or {}).items():
        if name not in allowed:
            raise ValidationFailed.worded("'{name}' cannot be edited here", name=name, details={"field": name})
        value = "" if value is None else str(value).strip()
        if len(value) > allowed[name]:
            raise ValidationFailed.worded("{name} is longer than {limit} characters", name=wording(name),
                                          limit=allowed[name], details={"field": name})
        clean[name] = value.upper() if name == "country" else value
    if "country" in clean and len(clean["country"]) != 2:
        raise ValidationFailed("Country must be a two-letter code such as CN or US", field="country")
    return clean
