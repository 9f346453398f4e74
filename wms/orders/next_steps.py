"""What moves an order on from where it is: the next steps of its state, given a few facts about its
stock, pick lines and parcels. Pure: stdlib only.

One answer for every reader: the supervisor's stuck list and the wall name the step that would move
an order (and link to it), and the stateful test holds every order to having one. An order not in a
terminal state with no next step is stranded: that is a bug, never a state to live in.
"""
from dataclasses import dataclass

from wms.orders import states

# Who takes a step: a person at the desk (reviewer, supervisor), a person on the floor, or a job.
DESK, FLOOR, JOB = "desk", "floor", "job"
# The hold of an exchange's replacement waiting for the buyer's parcel (wms.aftersales.cases puts it on):
# receiving the goods releases it, so a held order with it is waiting for the returns dock, not stuck.
AWAITING_RETURN = "awaiting_return"


@dataclass(frozen=True)
class Facts:
    """What the tables say about one order beyond its status."""

    status: str
    reserved: int = 0            # units reserved for it (reservations rows)
    wanted: int = 0              # units its lines ask for
    open_pick_lines: int = 0     # pick lines still to pick
    parcel: str | None = None    # status of its newest parcel not voided (sealed, waybill_failed, labelled...)
    hold_codes: tuple = ()       # the codes of its hold reasons (on_hold only)


@dataclass(frozen=True)
class Step:
    code: str   # allocate, approve, wave, pick, pack, seal, waybill, retry_waybill, ship, track, complete...
    by: str     # DESK | FLOOR | JOB
    text: str   # in English; the catalogue has it in Chinese


STEPS = {
    "review": Step("review", JOB, "Automatic review"),
    "approve": Step("approve", DESK, "Approve or release the hold"),
    "receive_return": Step("receive_return", FLOOR, "Receive the returned goods"),
    "finance": Step("finance", DESK, "Finance review"),
    "allocate": Step("allocate", JOB, "Allocate stock"),
    "wave": Step("wave", DESK, "Release a wave"),
    "pick": Step("pick", FLOOR, "Pick"),
    "pack": Step("pack", FLOOR, "Pack and seal"),
    "waybill": Step("waybill", JOB, "Get the waybill"),
    "retry_waybill": Step("retry_waybill", DESK, "Retry the waybill"),
    "ship": Step("ship", FLOOR, "Hand over at the dock"),
    "track": Step("track", JOB, "Follow the carrier's tracking"),
    "complete": Step("complete", JOB, "Complete after delivery"),
}
# Parcel statuses that still travel (a voided parcel is history).
LABELLED_PARCELS = frozenset({"labelled", "manifested", "shipped"})


def next_steps(facts):
    """The steps that move the order on (forward, not hold or cancel), first the usual one; () for a
    terminal order, and () for one whose facts leave nothing able to move it (stranded)."""
    status = facts.status
    if status in states.TERMINAL:
        return ()
    if status in states.RESERVING and facts.reserved != facts.wanted:
        return ()  # its reservation went (or never covered it): nothing downstream can finish it
    if status not in states.RESERVING and status not in _SETTLED_BY_ALLOCATION and facts.reserved:
        return ()  # stock held by an order nothing will ship or release
    return tuple(STEPS[code] for code in _codes(status, facts))


# Approved orders still holding stock (from before holds released it): allocation keeps or releases it.
_SETTLED_BY_ALLOCATION = frozenset({states.APPROVED, states.BACKORDER})


def _codes(status, facts):
    if status == states.IMPORTED:
        return ("review", "approve")
    if status == states.ON_HOLD:
        return ("receive_return", "approve") if AWAITING_RETURN in facts.hold_codes else ("approve",)
    if status == states.FINANCE_REVIEW:
        return ("finance",)
    if status in (states.APPROVED, states.BACKORDER):
        return ("allocate",)
    if status == states.ALLOCATED:
        return ("wave",)
    if status in (states.WAVED, states.PICKING):
        return ("pick",) if facts.open_pick_lines else ()
    if status == states.PICKED:
        return ("pack",)
    if status == states.PACKED:
        if facts.parcel == "sealed":
            return ("waybill",)
        if facts.parcel == "waybill_failed":
            return ("retry_waybill",)
        return ("pack",) if facts.parcel is None else ()
    if status == states.LABELLED:
        return ("ship",) if facts.parcel in LABELLED_PARCELS else ()
    if status == states.SHIPPED:
        return ("track", "complete")
    if status == states.DELIVERED:
        return ("complete",)
    return ()


def is_stranded(facts):
    """Not terminal, and nothing can move it."""
    return facts.status not in states.TERMINAL and not next_steps(facts)
