"""Tag rules (订单分类): when an approved order matches a supervisor's conditions, add tags to it and
raise its priority. Pure: stdlib and the domain exceptions only.

A rule's conditions are all optional but one at least must be set; every condition set must hold
(AND), and a condition with a list holds when any of its entries does (OR):

- region: the order's province or city is one of the names (`广东` matches `广东省`: the
  administrative suffix and case are ignored);
- stores: the order's channel is one of them; platforms: its channel's platform is one of them;
- amount: the order is in the rule's currency and its total is within [min, max] (both inclusive;
  either may be open). An order in another currency never matches an amount condition: 100 USD is
  not 100 CNY, and no exchange rate is guessed;
- SKUs: a line of the order is one of the SKU codes (as the platform sent it, or the matched SKU's);
- words: the buyer remark or the seller note contains one of the words (case-insensitive).

What applying rules does (`apply`), decided so that it is the same however often it runs:
- tags: the order's tags, then each matching rule's tags in the rules' order, each tag once
  (wms.orders.tags.merged); tags are only ever added, never taken away;
- priority: the highest of the order's own priority and every matching rule's priority. So a
  rule only raises a priority (a VIP rule never lowers one the platform set), the rules' order does
  not change it, and applying twice equals applying once.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from wms.errors import ValidationFailed
from wms.orders import tags as order_tags

MAX_NAME = 80
MAX_ENTRIES = 200          # entries per list condition
MAX_ENTRY = 60             # characters per entry (a province, a SKU code, a word)
PRIORITY_RANGE = (-100, 1000)
MAX_CENTS = 10**13
_SUFFIX = re.compile(r"(特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区|自治州|地区|省|市|盟)$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Rule:
    """One enabled rule as the matcher reads it (list conditions as keys: see the `*_key` helpers)."""

    id: int = 0
    regions: frozenset = frozenset()
    channel_ids: frozenset = frozenset()
    platforms: frozenset = frozenset()
    currency: str = ""
    min_cents: int | None = None
    max_cents: int | None = None
    skus: frozenset = frozenset()
    words: tuple = ()
    tags: tuple = ()
    priority: int | None = None


@dataclass(frozen=True)
class OrderFacts:
    """What the rules read of an order."""

    channel_id: int | None = None
    platform: str = ""
    province: str = ""
    city: str = ""
    currency: str = ""
    total_cents: int = 0
    skus: frozenset = frozenset()     # sku_key of each line's codes
    remarks: tuple = ()               # buyer remark, seller note
    tags: tuple = ()
    priority: int = 0


@dataclass(frozen=True)
class Outcome:
    tags: list = field(default_factory=list)
    priority: int = 0
    rule_ids: tuple = ()              # the rules that matched, in order

    def changed(self, facts):
        return self.tags != list(facts.tags) or self.priority != facts.priority


def region_key(name):
    """A province or city as compared: normalised, case-folded, without its administrative suffix."""
    text = order_tags.key(name)
    stripped = _SUFFIX.sub("", text)
    return stripped or text


def sku_key(code):
    return order_tags.key(code)


def word_key(word):
    return unicodedata.normalize("NFC", str(word or "")).casefold().strip()


def matches(rule, facts):
    """True when every condition the rule sets holds for the order (a rule without any: never)."""
    checks = []
    if rule.regions:
        checks.append(bool({region_key(facts.province), region_key(facts.city)} & rule.regions))
    if rule.channel_ids:
        checks.append(facts.channel_id in rule.channel_ids)
    if rule.platforms:
        checks.append(facts.platform in rule.platforms)
    if rule.min_cents is not None or rule.max_cents is not None:
        checks.append(facts.currency == rule.currency
                      and (rule.min_cents is None or facts.total_cents >= rule.min_cents)
                      and (rule.max_cents is None or facts.total_cents <= rule.max_cents))
    if rule.skus:
        checks.append(bool(facts.skus & rule.skus))
    if rule.words:
        text = "\n".join(word_key(remark) for remark in facts.remarks)
        checks.append(any(word in text for word in rule.words))
    return bool(checks) and all(checks)


def apply(rules, facts):
    """The order's tags and priority after the rules (see the module's docstring)."""
    matched = [rule for rule in rules if matches(rule, facts)]
    tags = order_tags.merged(facts.tags, [tag for rule in matched for tag in rule.tags])
    priority = max([facts.priority] + [rule.priority for rule in matched if rule.priority is not None])
    return Outcome(tags, priority, tuple(rule.id for rule in matched))


def rule_of(rule_id, conditions, tags, priority):
    """The matcher's Rule from a stored rule (conditions as `parse` made them)."""
    c = conditions or {}
    return Rule(id=rule_id, regions=frozenset(region_key(r) for r in c.get("regions") or ()),
                channel_ids=frozenset(c.get("channel_ids") or ()), platforms=frozenset(c.get("platforms") or ()),
                currency=c.get("currency") or "", min_cents=c.get("min_cents"), max_cents=c.get("max_cents"),
                skus=frozenset(sku_key(s) for s in c.get("skus") or ()),
                words=tuple(word_key(w) for w in c.get("words") or () if word_key(w)),
                tags=tuple(tags or ()), priority=priority)


# --- the rule form ---------------------------------------------------------------------------

def parse(form, *, known_channels=(), known_platforms=()):
    """A rule's (name, conditions, tags, priority) from what the form posted (text fields, and lists
    for stores and platforms); ValidationFailed naming the field for the first thing wrong."""
    name = order_tags.normalise(form.get("name"))
    if not name:
        raise ValidationFailed.worded("Give the rule a name", details={"field": "name"})
    if len(name) > MAX_NAME:
        raise ValidationFailed.worded("At most {limit} characters", limit=MAX_NAME, details={"field": "name"})
    conditions = {
        "regions": _entries(form, "regions"), "skus": _entries(form, "skus"), "words": _entries(form, "words"),
        "channel_ids": _chosen(form, "channel_ids", known_channels, int),
        "platforms": _chosen(form, "platforms", known_platforms, str),
        **_amount(form)}
    if not any(conditions[kind] for kind in ("regions", "skus", "words", "channel_ids", "platforms")) \
            and conditions.get("min_cents") is None and conditions.get("max_cents") is None:
        raise ValidationFailed.worded("Set at least one condition: a rule with none would tag every order",
                                      details={"field": "conditions"})
    tags = _tags(form.get("tags"))
    priority = _priority(form.get("priority"))
    if not tags and priority is None:
        raise ValidationFailed.worded("Give tags to add, a priority to set, or both", details={"field": "tags"})
    return name, {k: v for k, v in conditions.items() if v not in (None, [], "")}, tags, priority


def _entries(form, name):
    entries = list(dict.fromkeys(order_tags.split(form.get(name))))
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed.worded("At most {limit} entries", limit=MAX_ENTRIES, details={"field": name})
    for entry in entries:
        if len(entry) > MAX_ENTRY:
            raise ValidationFailed.worded("'{entry}' is longer than {limit} characters",
                                          entry=entry[:MAX_ENTRY] + "...", limit=MAX_ENTRY, details={"field": name})
    return entries


def _chosen(form, name, known, kind):
    raw = form.get(name) or []
    values = raw if isinstance(raw, (list, tuple)) else [raw]
    chosen = []
    for value in values:
        if value in ("", None):
            continue
        try:
            value = kind(value)
        except (TypeError, ValueError):
            value = None
        if value is None or value not in known:
            raise ValidationFailed.worded("Choose from the list", details={"field": name})
        chosen.append(value)
    return list(dict.fromkeys(chosen))


def _amount(form):
    low, high = _cents(form, "min_amount"), _cents(form, "max_amount")
    if low is None and high is None:
        return {}
    currency = order_tags.normalise(form.get("currency")).upper()
    if not _CURRENCY.match(currency):
        raise ValidationFailed.worded("An amount needs its currency: three letters, e.g. CNY",
                                      details={"field": "currency"})
    if low is not None and high is not None and low > high:
        raise ValidationFailed.worded("The highest amount is below the lowest", details={"field": "max_amount"})
    return {"currency": currency, "min_cents": low, "max_cents": high}


def _cents(form, name):
    text = order_tags.normalise(form.get(name)).replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
        cents = amount * 100
        whole = amount.is_finite() and 0 <= cents < MAX_CENTS and cents == cents.to_integral_value()
    except InvalidOperation:
        whole = False
    if not whole:
        raise ValidationFailed.worded("Enter an amount like 99.00", details={"field": name})
    return int(cents)


def _tags(text):
    tags = order_tags.merged([], order_tags.split(text))
    if len(order_tags.split(text)) > order_tags.MAX_TAGS:
        raise ValidationFailed.worded("At most {limit} tags", limit=order_tags.MAX_TAGS, details={"field": "tags"})
    for tag in order_tags.split(text):
        problem = order_tags.problem(tag)
        if problem:
            raise ValidationFailed.worded(problem[0], **problem[1], details={"field": "tags"})
    return tags


def _priority(text):
    text = order_tags.normalise(text)
    if not text:
        return None
    low, high = PRIORITY_RANGE
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ValidationFailed.worded("Enter a whole number from {low} to {high}", low=low, high=high,
                                      details={"field": "priority"})
    return value
