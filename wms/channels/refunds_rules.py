"""What a platform's refund or after-sales request does to our order (issue 19 item 3). Pure: stdlib only.

A refund record is the canonical one of `wms.channels.base.RefundSource`. `problems(record)` lists what
makes a record unusable (hostile or broken answers are refused before anything is written);
`clean(record)` gives the checked record with its values trimmed to what we keep; `decide(...)` says
what the refund does to the order, by where the order is:

- before shipping, a live refund of the whole order (requested, agreed or done) intercepts it (拦截:
  wms.aftersales.services.intercept_order cancels it at the desk, pulls it from the floor, voids a
  label); a live refund of some of its units only puts it on hold for a person to split or edit;
- after shipping, a live refund that sends goods back (return_refund, exchange) is an expected return,
  found by its return tracking number when the parcel comes back; a refund of money only is noted;
- a refused or closed refund, one of a kind that needs no action, or one on an order that is already
  cancelled or returned is only noted on the order's timeline.
"""
from datetime import datetime, timezone

KINDS = ("refund_only", "return_refund", "exchange", "reship")
STATUSES = ("requested", "agreed", "refused", "closed", "done")
LIVE = frozenset({"requested", "agreed", "done"})            # the buyer still wants (or got) the money back
GOODS_COME_BACK = frozenset({"return_refund", "exchange"})   # the buyer sends the parcel back
CANCELLING = frozenset({"refund_only", "return_refund"})    # before shipping: the order must not go out

# What a refund did to its order (PlatformRefund.action)
INTERCEPTED = "intercepted"        # before shipping, the whole order: intercepted (cancelled / pulled back)
HELD = "held"                      # before shipping, some units: on hold for the desk
EXPECT_RETURN = "expect_return"    # after shipping, goods on their way back: receiving looks for them
NOTED = "noted"                    # only written on the timeline
ACTIONS = (INTERCEPTED, HELD, EXPECT_RETURN, NOTED)

# Where the order is (the order states of wms.orders.states, by name, so this module stays pure)
BEFORE_SHIPPING = frozenset({"imported", "on_hold", "finance_review", "approved", "backorder", "allocated", "waved",
                             "picking", "picked", "packed", "labelled"})
AFTER_SHIPPING = frozenset({"shipped", "delivered", "completed"})

MAX_ID = 64            # refund and order numbers: the columns' length
MAX_REASON = 500
MAX_CARRIER = 40
MAX_TRACKING = 64
MAX_AMOUNT_CENTS = 10 ** 11   # a billion yuan: anything above is not a refund
MAX_LINES = 500


def problems(record):
    """Every reason `record` cannot be used, as English sentences (empty: usable)."""
    if not isinstance(record, dict):
        return ["a refund record is not an object"]
    found = []
    for key, limit in (("refund_id", MAX_ID), ("external_id", MAX_ID)):
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            found.append(f"{key} is missing")
        elif len(value.strip()) > limit or not value.strip().isprintable():
            found.append(f"{key} is not a platform number")
    if record.get("kind") not in KINDS:
        found.append(f"kind {str(record.get('kind'))[:40]!r} is not one of {', '.join(KINDS)}")
    if record.get("status") not in STATUSES:
        found.append(f"status {str(record.get('status'))[:40]!r} is not one of {', '.join(STATUSES)}")
    amount = record.get("amount_cents", 0)
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_AMOUNT_CENTS:
        found.append(f"amount_cents {str(amount)[:40]!r} is not an amount")
    for key, limit in (("reason", None), ("return_carrier", MAX_CARRIER), ("return_tracking_number", MAX_TRACKING)):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            found.append(f"{key} is not a text")
        elif key == "return_tracking_number" and value and (len(value.strip()) > limit or not _printable(value)):
            found.append("return_tracking_number is not a tracking number")
        elif limit and value and len(value.strip()) > limit:
            found.append(f"{key} is longer than {limit} characters")
    requested = record.get("requested_at")
    if requested is not None and not _iso(requested):
        found.append("requested_at is not a time")
    lines = record.get("lines") or []
    if not isinstance(lines, list) or len(lines) > MAX_LINES or not all(_line_ok(line) for line in lines):
        found.append("lines are not [{sku_code, qty}]")
    return found


def clean(record):
    """The checked record with texts trimmed and missing values filled (call only when problems() is empty)."""
    return {
        "refund_id": record["refund_id"].strip(),
        "external_id": record["external_id"].strip(),
        "kind": record["kind"],
        "status": record["status"],
        "reason": (record.get("reason") or "").strip()[:MAX_REASON],
        "amount_cents": int(record.get("amount_cents") or 0),
        "return_carrier": (record.get("return_carrier") or "").strip(),
        "return_tracking_number": (record.get("return_tracking_number") or "").strip().upper(),
        "requested_at": _iso(record.get("requested_at")) if record.get("requested_at") else None,
        "units": sum(int(line["qty"]) for line in record.get("lines") or []),
    }


def decide(kind, status, order_status, *, units=0, order_units=0):
    """What a refund does to its order now (one of ACTIONS). `units`: the units the refund names (0 = the
    whole order); `order_units`: the order's units."""
    if status not in LIVE or order_status not in BEFORE_SHIPPING | AFTER_SHIPPING:
        return NOTED
    if order_status in BEFORE_SHIPPING:
        if kind not in CANCELLING:
            return NOTED
        partial = 0 < units < order_units
        return HELD if partial else INTERCEPTED
    return EXPECT_RETURN if kind in GOODS_COME_BACK else NOTED


def changed(before, after):
    """The fields of a known refund that the platform changed ({name: (old, new)}): status, amount, the
    return's carrier and tracking number. Empty: the same refund seen again, nothing to do."""
    names = ("status", "amount_cents", "return_carrier", "return_tracking_number", "kind")
    return {name: (before.get(name), after.get(name)) for name in names if before.get(name) != after.get(name)}


def _line_ok(line):
    return (isinstance(line, dict) and isinstance(line.get("qty"), int) and not isinstance(line.get("qty"), bool)
            and 0 < line["qty"] <= 100_000 and isinstance(line.get("sku_code", ""), str))


def _printable(text):
    return text.strip().isprintable() and " " not in text.strip()


def _iso(value):
    """A naive-UTC ISO text as a datetime, or None when it is not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is None else moment.astimezone(timezone.utc).replace(tzinfo=None)
