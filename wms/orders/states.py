"""Order states and the one transition table. Pure: stdlib only.

Every status change of an order goes through `check_transition`; `Order.transition_to`
is its only caller that writes.
"""
from wms.errors import IllegalTransition
from wms.wording import english, wording

IMPORTED = "imported"      # arrived from a channel or a file, not yet reviewed
ON_HOLD = "on_hold"        # an exception in review (address, payment, shortage, risk...); reasons kept
FINANCE_REVIEW = "finance_review"  # passed the customer review, waits for finance (财审; wms.finance)
APPROVED = "approved"      # reviewed, awaiting fulfilment (待发货)
BACKORDER = "backorder"    # approved but no warehouse can ship it complete (缺货)
ALLOCATED = "allocated"    # stock reserved in one warehouse
WAVED = "waved"            # in a released wave, pick tasks exist
PICKING = "picking"        # a picker has started on it
PICKED = "picked"          # every line picked, on its way to packing
PACKED = "packed"          # verified and sealed in a parcel
LABELLED = "labelled"      # carrier waybill and label exist
SHIPPED = "shipped"        # handed over to the carrier (stock deducted)
DELIVERED = "delivered"    # carrier reports signed
COMPLETED = "completed"    # closed (已完成)
CANCELLED = "cancelled"    # cancelled or refunded before shipping; terminal
RETURNED = "returned"      # came back after shipping; terminal

ALL_STATES = (
    IMPORTED, ON_HOLD, FINANCE_REVIEW, APPROVED, BACKORDER, ALLOCATED, WAVED, PICKING, PICKED,
    PACKED, LABELLED, SHIPPED, DELIVERED, COMPLETED, CANCELLED, RETURNED,
)

# States in which a reviewer or the channel may still cancel without a carrier intercept.
BEFORE_SHIPPING = frozenset({
    IMPORTED, ON_HOLD, FINANCE_REVIEW, APPROVED, BACKORDER, ALLOCATED, WAVED, PICKING, PICKED, PACKED, LABELLED,
})
# States a reviewer may still edit (address, phone, lines) without touching the floor.
EDITABLE = frozenset({IMPORTED, ON_HOLD, APPROVED, BACKORDER})
# States in which stock is reserved for the order.
RESERVING = frozenset({ALLOCATED, WAVED, PICKING, PICKED, PACKED, LABELLED})
TERMINAL = frozenset({COMPLETED, CANCELLED, RETURNED})

_HOLDABLE = frozenset({IMPORTED, FINANCE_REVIEW, APPROVED, BACKORDER, ALLOCATED, WAVED, PICKING, PICKED, PACKED})

TRANSITIONS = {
    IMPORTED: {APPROVED, FINANCE_REVIEW, ON_HOLD, CANCELLED},
    ON_HOLD: {APPROVED, FINANCE_REVIEW, CANCELLED},
    FINANCE_REVIEW: {APPROVED, ON_HOLD, CANCELLED},  # finance approves; rejects back to the review desk (on_hold)
    APPROVED: {ALLOCATED, BACKORDER, ON_HOLD, CANCELLED},
    BACKORDER: {ALLOCATED, ON_HOLD, CANCELLED},
    ALLOCATED: {WAVED, BACKORDER, ON_HOLD, CANCELLED},  # backorder: its bin was found short, no other has it
    WAVED: {PICKING, ALLOCATED, ON_HOLD, CANCELLED},
    PICKING: {PICKED, ON_HOLD, CANCELLED},
    PICKED: {PACKED, ON_HOLD, CANCELLED},
    PACKED: {LABELLED, ON_HOLD, CANCELLED},
    LABELLED: {SHIPPED, PACKED, CANCELLED},
    SHIPPED: {DELIVERED, COMPLETED, RETURNED},
    DELIVERED: {COMPLETED, RETURNED},
    COMPLETED: {RETURNED},
    CANCELLED: set(),
    RETURNED: set(),
}
assert all(s in TRANSITIONS for s in ALL_STATES)
assert all(ON_HOLD in TRANSITIONS[s] for s in _HOLDABLE)


def can_transition(current, new):
    """True if the table allows current -> new."""
    return new in TRANSITIONS.get(current, ())


def check_transition(current, new):
    """Raise IllegalTransition unless current -> new is allowed."""
    if not can_transition(current, new):
        raise IllegalTransition.worded("an order cannot go from '{current}' to '{new}'", current=wording(current),
                                       new=wording(new), details={"current": current, "requested": new})


def require_editable(order):
    """Refuse an order that went past review (allocated or further: the floor has it); what the desk's
    actions and allocation's split check before they change an order's lines."""
    if order.status not in EDITABLE:
        raise IllegalTransition.worded("Order {order} is '{status}' and can no longer be changed here",
                                       order=order.external_id, status=wording(order.status),
                                       details={"current": order.status})


def hold_reason(code, template, **values):
    """One reason an order is on hold (an entry of Order.hold_reasons): its code, its detail in
    English, and the detail's wording (wms.wording), which each reader sees in their language."""
    said = wording(template, **values)
    return {"code": code, "detail": english(said), "wording": said}
