"""The automatic review checks: each a small named rule over a plain snapshot of an order.

Pure: stdlib + the pure contacts normalisers (phonenumbers). A rule is
`check(order, ctx, params) -> [Reason...]`; it never touches the database. The service builds the
snapshots and one `ReviewContext` per batch (the catalogue codes, the blacklist, the duplicate
keys) with a few queries, then runs the enabled rules in the supervisor's order. A reason marked
`flag` (the supervisor's choice for phones and duplicates) is shown on the order without holding
it. An order with no other reasons is approved, otherwise held with all of them.
"""
import re
from dataclasses import dataclass, field
from functools import cached_property

from wms.orders.states import hold_reason
from wms.contacts import address as contact_address
from wms.contacts import cn_divisions, international
from wms.contacts.phone import normalise_phone as normalise_contact_phone
from wms.wording import wording


@dataclass
class LineSnapshot:
    sku_code: str
    qty: int
    sku_id: int | None = None


@dataclass
class OrderSnapshot:
    """What the rules may look at: plain values, no ORM object."""

    id: int | None = None
    external_id: str = ""
    channel_id: int | None = None
    buyer_name: str = ""
    buyer_phone: str = ""
    buyer_email: str = ""
    country: str = "CN"
    province: str = ""
    city: str = ""
    district: str = ""
    address: str = ""
    postcode: str = ""
    total_cents: int = 0
    currency: str = "CNY"
    payment_status: str = "paid"
    buyer_remark: str = ""
    lines: list = field(default_factory=list)

    @property
    def is_china(self):
        return (self.country or "CN").upper() == "CN"

    @cached_property
    def parsed(self):
        """The parsed address (China) or None (elsewhere); parsed once per snapshot."""
        if not self.is_china:
            return None
        province = contact_address.province_from_name(self.province) or self.province   # "Zhejiang", "ZJ"
        full = "".join(part for part in (province, self.city, self.district, self.address) if part)
        return cn_divisions.parse_cn(full)


@dataclass
class ReviewContext:
    """What the rules need beyond the order, loaded once per batch."""

    sku_codes: frozenset = frozenset()
    sku_ids: dict = field(default_factory=dict)     # catalogue code -> SKU id (for matching lines)
    blacklist: dict = field(default_factory=dict)   # kind -> set of normalised values
    duplicates: dict = field(default_factory=dict)  # duplicate_key -> [(order id, external id)]


# --- normalisers shared with the service (blacklist, duplicate keys) ---------------------------

_NOT_DIGIT = re.compile(r"\D")
_SPACE = re.compile(r"[\s\u3000,，]+")


def normalise_phone(value):
    digits = _NOT_DIGIT.sub("", value or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def phone_forms(value, country="CN"):
    """The ways one phone may be stored on orders (as typed, digits, E.164): to look its twins up."""
    if not (value or "").strip():
        return set()
    return {value, normalise_phone(value), normalise_contact_phone(value, country or "CN").e164} - {""}


def normalise_text(value):
    return _SPACE.sub("", value or "").lower()


def normalise(kind, value):
    """The form a blacklist value is stored and compared in."""
    return normalise_phone(value) if kind == "phone" else normalise_text(value)


def full_address(order):
    """One comparable string for 'same address' (parsed parts for China)."""
    parsed = order.parsed
    if parsed is not None and parsed.city:
        return normalise_text(parsed.province + parsed.city + parsed.district + parsed.rest)
    return normalise_text(" ".join((order.country, order.province, order.city, order.district,
                                    order.address, order.postcode)))


def duplicate_key(order):
    """Same buyer (name + phone) and same address."""
    return (normalise_text(order.buyer_name), normalise_phone(order.buyer_phone), full_address(order))


# --- the rules -------------------------------------------------------------------------------

def check_required_fields(order, ctx, params):
    """Buyer name, a way to reach them, an address and at least one line with a quantity."""
    missing = [name for name, value in (
        ("buyer name", order.buyer_name), ("phone", order.buyer_phone or order.buyer_email),
        ("address", order.address), ("country", order.country)) if not (value or "").strip()]
    if not order.lines:
        missing.append("order lines")
    elif any(line.qty <= 0 for line in order.lines):
        missing.append("line quantity")
    return [hold_reason("required_fields", "missing: {fields}", fields=[wording(m) for m in missing])] if missing else []


def check_address(order, ctx, params):
    """China: province/city/district must parse; elsewhere: country/region/postcode formats."""
    if not (order.address or "").strip():
        return []  # required_fields reports it
    if order.is_china:
        problems = order.parsed.problems
        if not params.get("require_district", True):
            problems = [p for p in problems if p["text"] != "district not recognised"]
    else:
        problems = international.validate_international(
            order.country, order.province, order.city, order.postcode, order.address)
    return [hold_reason("address", "{problems}", problems=problems)] if problems else []


def phone_problem(phone, country="CN"):
    """None when the phone is empty or a valid number of its country (wms.contacts.phone), else the
    problem's wording."""
    return normalise_contact_phone(phone, country or "CN").problem


def check_phone(order, ctx, params):
    """A valid number of the order's country (wms.contacts.phone); a flag unless the supervisor
    chose to hold (params invalid: "flag" | "hold")."""
    problem = phone_problem(order.buyer_phone, order.country)
    if not problem:
        return []
    return [_as(hold_reason("phone", problem["text"], **problem["values"]), params.get("invalid"), "hold")]


# Our payment statuses in words (a platform's own word, kept by an import, is shown as it came).
PAYMENT_WORDS = {"pending": "awaiting payment", "refunded": "refunded"}


def check_payment(order, ctx, params):
    """Only paid orders ship."""
    status = (order.payment_status or "").strip().lower()
    if status in set(params.get("accepted", ["paid"])):
        return []
    said = PAYMENT_WORDS.get(status)
    return [hold_reason("payment", "payment not confirmed ({status})",
                        status=wording(said) if said else (status or "unknown"))]


def check_unknown_sku(order, ctx, params):
    """Every line must match a SKU of the catalogue (未匹配 otherwise)."""
    unknown = [line.sku_code for line in order.lines
               if line.sku_id is None and line.sku_code not in ctx.sku_codes]
    if not unknown:
        return []
    return [hold_reason("unknown_sku", "not in the catalogue: {codes}", codes=", ".join(unknown))]


def check_duplicate(order, ctx, params):
    """Another not-yet-shipped order of the same buyer to the same address. What happens is the
    supervisor's choice (params action): "offer" a merge (a flag with a merge button, the default),
    "hold" the order, or "merge" it automatically into the oldest."""
    others = sorted((oid, ext) for oid, ext in ctx.duplicates.get(duplicate_key(order), ()) if oid != order.id)
    if not others:
        return []
    reason = hold_reason("duplicate", "same buyer and address as {orders}",
                         orders=", ".join(sorted(ext for _oid, ext in others)[:10]))
    action = params.get("action")
    if action == "merge":
        reason["merge_with"] = [oid for oid, _ext in others if oid is not None]
    return [_as(reason, "hold" if action == "hold" else "flag", "hold")]


def check_remark(order, ctx, params):
    """A buyer remark needs a person to read it."""
    remark = (order.buyer_remark or "").strip()
    if not remark:
        return []
    limit = int(params.get("preview_chars", 80))
    preview = remark[:limit] + ("…" if len(remark) > limit else "")
    return [hold_reason("remark", "“{remark}”", remark=preview)]  # its label says whose words


def check_blacklist(order, ctx, params):
    """Buyer name, phone or address on the blacklist."""
    hits = []
    if normalise_text(order.buyer_name) in ctx.blacklist.get("buyer", ()):
        hits.append(wording("buyer {name}", name=order.buyer_name))
    if normalise_phone(order.buyer_phone) in ctx.blacklist.get("phone", ()):
        hits.append(wording("phone {phone}", phone=order.buyer_phone))
    where = full_address(order)
    if any(value and value in where for value in ctx.blacklist.get("address", ())):
        hits.append(wording("address"))
    return [hold_reason("blacklist", "blacklisted: {hits}", hits=hits)] if hits else []


def amount_thresholds(params):
    """{currency: threshold in cents}; a stored `threshold_cents` (before currencies) is the CNY one."""
    thresholds = {str(code).upper(): int(cents) for code, cents in (params.get("thresholds") or {}).items()}
    if "threshold_cents" in params:
        thresholds["CNY"] = int(params["threshold_cents"])
    return thresholds


def check_amount(order, ctx, params):
    """Orders above their currency's threshold get a second look. An amount is only compared with
    a threshold in its own currency: an order in a currency without one is not checked (the rules
    page lists such currencies), never compared against another currency's figure."""
    currency = (order.currency or "CNY").upper()
    threshold = amount_thresholds(params).get(currency)
    if threshold is None or order.total_cents <= threshold:
        return []
    return [hold_reason("amount", "amount {amount} {currency} above {threshold}",
                        amount=f"{order.total_cents / 100:,.2f}", currency=currency,
                        threshold=f"{threshold / 100:,.2f}")]


def _as(reason, choice, default):
    """The reason as a flag (shown, not holding) unless the choice (or its default) is to hold."""
    if (choice or default) != "hold":
        reason["flag"] = True
    return reason


def holds_and_flags(found):
    """Split what the rules found into (reasons that hold the order, flags that only show)."""
    holds = [reason for reason in found if not reason.get("flag")]
    flags = [{key: value for key, value in reason.items() if key != "flag"} for reason in found if reason.get("flag")]
    return holds, flags


def with_review_flags(existing, flags):
    """An order's flags after a review run: the rules' flags replaced, others (the import's) kept."""
    return [flag for flag in existing or [] if flag.get("code") not in RULES] + list(flags)


@dataclass(frozen=True)
class Rule:
    code: str
    check: object
    label: str
    defaults: dict


RULES = {rule.code: rule for rule in (
    Rule("required_fields", check_required_fields, "Required fields", {}),
    Rule("address", check_address, "Address parse", {"require_district": True}),
    Rule("phone", check_phone, "Phone format", {"invalid": "flag"}),
    Rule("payment", check_payment, "Payment confirmed", {"accepted": ["paid"]}),
    Rule("unknown_sku", check_unknown_sku, "Unknown SKU", {}),
    Rule("duplicate", check_duplicate, "Duplicate or mergeable", {"action": "offer"}),
    Rule("remark", check_remark, "Buyer remark", {"preview_chars": 80}),
    Rule("blacklist", check_blacklist, "Blacklist", {}),
    Rule("amount", check_amount, "Amount above threshold", {"thresholds": {"CNY": 500_000}}),
)}
DEFAULT_ORDER = tuple(RULES)
# the supervisor's choice for a rule: (parameter, its choices, the default first)
CHOICES = {"phone": ("invalid", ("flag", "hold")), "duplicate": ("action", ("offer", "hold", "merge"))}


def run_rules(order, ctx, enabled):
    """Every reason the enabled rules find, in their order. `enabled`: [(code, params)]."""
    found = []
    for code, params in enabled:
        rule = RULES.get(code)
        if rule is not None:
            found.extend(rule.check(order, ctx, {**rule.defaults, **(params or {})}))
    return found
