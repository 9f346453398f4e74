"""The finance review's rules (财审): which orders a finance user must see before they go to the floor.
Pure: stdlib only (and the domain exceptions).

A rule is `check(order, params) -> [reason]` over a plain `OrderFacts` (no ORM object); a reason has
the shape of an order's hold reasons (wms.orders.states.hold_reason: code, English detail, wording),
so the desk says in each reader's language why an order waits. An order of a channel with finance
review on waits when any enabled rule finds something; otherwise the customer review's approval
stands. Each rule is linear in the order's lines.
"""
from dataclasses import dataclass, field

from wms.errors import ValidationFailed
from wms.orders.states import hold_reason
from wms.wording import wording

COST_CURRENCY = "CNY"   # what Sku.cost_cents is counted in: a price is compared with it only in this currency


@dataclass(frozen=True)
class LineFacts:
    sku_code: str
    qty: int
    unit_price_cents: int
    list_price_cents: int | None = None   # None: the channel did not say
    cost_cents: int | None = None         # the catalogue's cost of the SKU; None: unknown or unmatched
    is_gift: bool = False                 # a gift line (price 0 on purpose): neither a discount nor a loss


@dataclass(frozen=True)
class OrderFacts:
    total_cents: int = 0
    currency: str = "CNY"
    cash_on_delivery: bool = False
    invoice_requested: bool = False
    lines: tuple = field(default_factory=tuple)


def _money(cents):
    return f"{cents / 100:,.2f}"


def check_cod(order, params):
    """Cash on delivery (货到付款): the money comes through the carrier, later and less surely."""
    return [hold_reason("finance_cod", "cash on delivery")] if order.cash_on_delivery else []


def thresholds(params):
    """{currency: threshold in cents} (upper-case codes)."""
    return {str(code).upper(): int(cents) for code, cents in (params.get("thresholds") or {}).items()}


def check_amount(order, params):
    """Above its currency's threshold; an order in a currency without one is not compared (never
    against another currency's figure), as the customer review's amount rule."""
    currency = (order.currency or "CNY").upper()
    limit = thresholds(params).get(currency)
    if limit is None or order.total_cents <= limit:
        return []
    return [hold_reason("finance_amount", "amount {amount} {currency} above {threshold}",
                        amount=_money(order.total_cents), currency=currency, threshold=_money(limit))]


def check_invoice(order, params):
    """The buyer asked for an invoice (开发票): finance issues it before the goods leave."""
    return [hold_reason("finance_invoice", "invoice requested")] if order.invoice_requested else []


def discount_percent(line):
    """How far below its list price a line sold, in whole percent (rounded down); 0 without a list price."""
    if not line.list_price_cents or line.list_price_cents <= 0 or line.unit_price_cents >= line.list_price_cents:
        return 0
    return (line.list_price_cents - max(line.unit_price_cents, 0)) * 100 // line.list_price_cents


def check_discount(order, params):
    """A line sold more than `max_percent` below its list price (a mispriced item, a coupon stacked too far)."""
    most = int(params["max_percent"])
    hits = [wording("{sku} {percent}% off {list_price}", sku=line.sku_code, percent=discount_percent(line),
                    list_price=_money(line.list_price_cents))
            for line in order.lines if not line.is_gift and discount_percent(line) > most]
    return [hold_reason("finance_discount", "discount above {most}%: {lines}", most=most, lines=hits)] if hits else []


def check_below_cost(order, params):
    """A line sold below what the SKU costs us; only for orders in the cost's currency."""
    if (order.currency or "CNY").upper() != COST_CURRENCY:
        return []
    hits = [wording("{sku} at {price}, cost {cost}", sku=line.sku_code, price=_money(line.unit_price_cents),
                    cost=_money(line.cost_cents))
            for line in order.lines
            if not line.is_gift and line.cost_cents is not None and line.unit_price_cents < line.cost_cents]
    return [hold_reason("finance_below_cost", "price below cost: {lines}", lines=hits)] if hits else []


@dataclass(frozen=True)
class Rule:
    code: str
    check: object
    label: str
    defaults: dict


RULES = {rule.code: rule for rule in (
    Rule("cod", check_cod, "Cash on delivery", {}),
    Rule("amount", check_amount, "Amount above threshold", {"thresholds": {"CNY": 500_000}}),
    Rule("invoice", check_invoice, "Invoice requested", {}),
    Rule("discount", check_discount, "Discount above a share", {"max_percent": 50}),
    Rule("below_cost", check_below_cost, "Price below cost", {}),
)}
# The reason codes the rules give, to their rule (the desk's chips name the rule).
REASON_RULES = {f"finance_{code}": code for code in RULES}


def run_rules(order, enabled):
    """Every reason the enabled rules find, in the rules' order. `enabled`: {code: params}."""
    found = []
    for code, rule in RULES.items():
        if code in enabled:
            found.extend(rule.check(order, {**rule.defaults, **(enabled[code] or {})}))
    return found


def clean_params(code, values):
    """A rule's parameters as typed (amount: {currency: cents}; discount: a percent), checked; the
    rule's code is the refusal's field."""
    if code == "amount":
        return {"thresholds": _clean_thresholds(values.get("thresholds"))}
    if code == "discount":
        percent = values.get("max_percent")
        if isinstance(percent, str) and percent.strip().isdigit():
            percent = int(percent.strip())
        if not (isinstance(percent, int) and not isinstance(percent, bool) and 0 <= percent <= 99):
            raise _refused("{rule}: the discount share must be a whole percent from 0 to 99", code)
        return {"max_percent": percent}
    if code not in RULES:
        raise _refused("Unknown rule '{rule}'", code)
    return {}


def _clean_thresholds(value):
    if not isinstance(value, dict):
        raise _refused("{rule}: thresholds must map a currency to cents, such as {example}", "amount",
                       example='{"CNY": 500000}')
    clean = {}
    for currency, cents in value.items():
        currency = str(currency).strip().upper()
        if not (len(currency) == 3 and currency.isalpha() and currency.isascii()):
            raise _refused("{rule}: '{currency}' is not a three-letter currency code", "amount", currency=currency)
        if not (isinstance(cents, int) and not isinstance(cents, bool) and cents >= 0):
            raise _refused("{rule}: the {currency} threshold must be a whole number of cents", "amount",
                           currency=currency)
        clean[currency] = cents
    return clean


def parse_thresholds(text):
    """'CNY 5000, USD 800.50' (amounts in the currency's units) -> {"CNY": 500000, "USD": 80050}."""
    clean = {}
    for part in (text or "").replace("，", ",").replace(";", ",").split(","):
        words = part.replace("=", " ").replace(":", " ").split()
        if not words:
            continue
        if len(words) != 2 or not _is_amount(words[1]):
            raise _refused("{rule}: write each threshold as a currency and an amount, such as {example}", "amount",
                           example="CNY 5000, USD 800")
        whole, _, fraction = words[1].partition(".")
        clean[words[0]] = int(whole or "0") * 100 + int((fraction + "00")[:2])
    return _clean_thresholds(clean)


def parse_cost(text):
    """A unit cost as typed ('12.50', CNY) -> cents; blank -> None (no cost: the rule skips the SKU)."""
    text = (text or "").strip().replace("¥", "").replace("￥", "")
    if not text:
        return None
    if not _is_amount(text):
        raise ValidationFailed.worded("Write the cost as an amount in CNY, such as {example}", example="12.50",
                                      details={"field": "cost"})
    whole, _, fraction = text.partition(".")
    return int(whole or "0") * 100 + int((fraction + "00")[:2])


def thresholds_text(value):
    """{"CNY": 500000} -> 'CNY 5000.00' (what the settings form shows)."""
    return ", ".join(f"{code} {cents / 100:.2f}" for code, cents in sorted((value or {}).items()))


def _is_amount(text):
    whole, dot, fraction = text.partition(".")
    return (whole.isascii() and whole.isdigit() and len(whole) <= 9
            and (not dot or (fraction.isascii() and fraction.isdigit() and len(fraction) <= 2)))


def _refused(template, code, **values):
    """A refused setting, naming the rule by its name (the field: its code, so the form marks its input)."""
    name = wording(RULES[code].label) if code in RULES else code
    return ValidationFailed.worded(template, rule=name, **values, details={"field": code})
