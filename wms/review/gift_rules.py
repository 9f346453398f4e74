"""Which gift a gift rule (赠品) wants to add to an order: matching and the per-order quantity.

Pure: stdlib only. The service (wms.review.gifts) turns each active rule into `GiftTerms` and each
order under review into `OrderFacts`, asks `wanted` how many gift units the rule gives the order
(0: it does not match), picks the SKU (`pick_sku`: a pool gives the first SKU that still has the
stock) and then claims the units from the rule's counters with a conditional UPDATE, which is what
holds "at most N in total" and "the first N orders" across concurrent reviews.

Gift lines already on an order never count as bought, and the amount is the order's own (gift
lines are priced 0 and never part of it).
"""
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class GiftTerms:
    """A rule's conditions and gift, as plain values."""

    id: int
    channel_ids: frozenset = frozenset()    # empty: every store
    bought: tuple = ()                      # SKU codes; "TEA-*" any code starting "TEA-"; empty: anything
    min_amount_cents: int | None = None
    paid_from: datetime | None = None
    paid_until: datetime | None = None
    remark_words: tuple = ()                # the buyer remark holds one of them (case-insensitive)
    gift_qty: int = 1
    per_unit_bought: bool = False           # gift_qty for each matching unit bought
    per_order_max: int = 1


@dataclass(frozen=True)
class LineFacts:
    sku_code: str
    qty: int
    is_gift: bool = False


@dataclass(frozen=True)
class OrderFacts:
    """What a gift rule looks at of an order."""

    id: int | None = None
    channel_id: int | None = None
    total_cents: int = 0
    paid_at: datetime | None = None
    buyer_remark: str = ""
    lines: tuple = field(default_factory=tuple)


def code_matches(pattern, code):
    """A bought-SKU entry against a line's code: equal, or a family "PREFIX*" the code starts with."""
    pattern, code = pattern.strip().upper(), (code or "").strip().upper()
    if pattern.endswith("*"):
        return bool(pattern[:-1]) and code.startswith(pattern[:-1])
    return pattern == code


def units_bought(terms, facts):
    """Units of the order's own (not gift) lines the rule's SKU list covers (all of them without a list)."""
    return sum(line.qty for line in facts.lines if not line.is_gift and line.qty > 0
               and (not terms.bought or any(code_matches(p, line.sku_code) for p in terms.bought)))


def matches(terms, facts):
    """True when the order meets every condition the rule sets."""
    if terms.channel_ids and facts.channel_id not in terms.channel_ids:
        return False
    if terms.min_amount_cents is not None and facts.total_cents < terms.min_amount_cents:
        return False
    if (terms.paid_from or terms.paid_until) and facts.paid_at is None:
        return False
    if terms.paid_from and facts.paid_at < terms.paid_from:
        return False
    if terms.paid_until and facts.paid_at > terms.paid_until:
        return False
    if terms.remark_words:
        remark = (facts.buyer_remark or "").casefold()
        if not any(word.strip() and word.strip().casefold() in remark for word in terms.remark_words):
            return False
    return units_bought(terms, facts) > 0


def wanted(terms, facts):
    """Gift units the rule gives this order: 0 when it does not match, never above per_order_max."""
    if terms.per_order_max < 1 or terms.gift_qty < 1 or not matches(terms, facts):
        return 0
    qty = terms.gift_qty * (units_bought(terms, facts) if terms.per_unit_bought else 1)
    return min(qty, terms.per_order_max)


def pick_sku(gift_sku_ids, qty, available=None):
    """The gift SKU for `qty` units: a fixed gift (available None) its one SKU; a pool the first SKU
    whose available stock covers qty, or None when none does (the pool ran out)."""
    if not gift_sku_ids or qty < 1:
        return None
    if available is None:
        return gift_sku_ids[0]
    return next((sku_id for sku_id in gift_sku_ids if available.get(sku_id, 0) >= qty), None)
