"""Pure rules of after-sales cases (售后单): the kinds, each kind's state table, and how much may be refunded.

Kinds and their states (every non-terminal state may also go to `closed`: the case is withdrawn or refused):

- refund_only (仅退款):       opened -> refunded
- return_refund (退货退款):   opened -> waiting_return -> goods_received -> refunded
- exchange (换货):            opened -> waiting_return -> goods_received -> replacement_ordered -> done
  (the replacement order is made at opening: sent to review at once when the store does not wait for the
  goods, held until they are received when it does; `replacement_ordered` once the goods are back)
- reship (补发):              opened -> replacement_ordered -> done
  (nothing comes back; `done` once a person confirms the replacement left)

A case that expects goods back (return_refund, exchange) is found at receiving by its return tracking
number or its order. Terminal: refunded, done, closed.

Refunds: a case records the refund to make (cents); all the refunds recorded on one order's cases never
exceed what the buyer paid (`refund_problem`). The refund itself is `to_refund` until made by hand or sent to
the platform (`refund_sent`), then `refund_made`.
"""
from wms.errors import IllegalTransition, ValidationFailed
from wms.wording import wording

REFUND_ONLY = "refund_only"
RETURN_REFUND = "return_refund"
EXCHANGE = "exchange"
RESHIP = "reship"
KINDS = (REFUND_ONLY, RETURN_REFUND, EXCHANGE, RESHIP)

OPEN = "opened"
WAITING_RETURN = "waiting_return"
RECEIVED = "goods_received"
REPLACEMENT_ORDERED = "replacement_ordered"
REFUNDED = "refunded"
DONE = "done"
CLOSED = "closed"
STATES = (OPEN, WAITING_RETURN, RECEIVED, REPLACEMENT_ORDERED, REFUNDED, DONE, CLOSED)
TERMINAL = frozenset({REFUNDED, DONE, CLOSED})

# Refund statuses (the money, beside the goods' state)
REFUND_NONE = ""
REFUND_PENDING = "to_refund"   # recorded, to be made
REFUND_SENT = "refund_sent"         # sent to the platform, waiting for its answer
REFUND_DONE = "refund_made"         # made
REFUND_STATUSES = (REFUND_NONE, REFUND_PENDING, REFUND_SENT, REFUND_DONE)

_FLOWS = {
    REFUND_ONLY: {OPEN: {REFUNDED}},
    RETURN_REFUND: {OPEN: {WAITING_RETURN}, WAITING_RETURN: {RECEIVED}, RECEIVED: {REFUNDED}},
    EXCHANGE: {OPEN: {WAITING_RETURN}, WAITING_RETURN: {RECEIVED}, RECEIVED: {REPLACEMENT_ORDERED},
               REPLACEMENT_ORDERED: {DONE}},
    RESHIP: {OPEN: {REPLACEMENT_ORDERED}, REPLACEMENT_ORDERED: {DONE}},
}
TRANSITIONS = {kind: {state: frozenset(nexts | {CLOSED}) for state, nexts in flow.items()}
               for kind, flow in _FLOWS.items()}
EXPECTS_GOODS = frozenset({RETURN_REFUND, EXCHANGE})
MAKES_ORDER = frozenset({EXCHANGE, RESHIP})
REFUNDS = frozenset({REFUND_ONLY, RETURN_REFUND})
MAX_REFUND_CENTS = 10 ** 11


def can_transition(kind, current, new):
    """True when a case of `kind` may go from `current` to `new`."""
    return new in TRANSITIONS.get(kind, {}).get(current, ())


def check_transition(kind, current, new):
    """Raise IllegalTransition unless the kind's table allows current -> new."""
    if not can_transition(kind, current, new):
        raise IllegalTransition.worded("an after-sales case cannot go from '{current}' to '{new}'",
                                       current=wording(current), new=wording(new),
                                       details={"current": current, "requested": new})


def first_state(kind):
    """Where a new case of `kind` starts."""
    if kind not in KINDS:
        raise ValidationFailed("Choose the kind of after-sales case", field="kind")
    return OPEN


def path_to(kind, current, target):
    """The states to pass through from `current` to `target` along the kind's main flow ([] when there is
    none), so a service can move a case as far as an event takes it (goods received on an open case)."""
    path, state = [], current
    while state != target:
        nexts = [s for s in _FLOWS.get(kind, {}).get(state, ()) if s != CLOSED]
        if not nexts:
            return []
        state = nexts[0]
        path.append(state)
    return path


def refund_problem(amount_cents, paid_cents, already_cents):
    """Why `amount_cents` cannot be refunded on an order whose buyer paid `paid_cents` and had
    `already_cents` refunded or recorded already (None when it can): a code and the most allowed."""
    left = max(0, paid_cents - already_cents)
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents <= 0:
        return "not_positive", left
    if amount_cents > left:
        return "above_paid", left
    return None


def qty_problem(wanted, available):
    """Why `wanted` of an order line cannot be on a case when `available` were ordered and not yet on
    another case (None when it can)."""
    if not isinstance(wanted, int) or isinstance(wanted, bool) or wanted <= 0:
        return "not_positive"
    if wanted > available:
        return "above_ordered"
    return None
