"""Pure: where a put wall sorts a scanned unit, and what each slot shows.

A pick-all batch comes back to the wall as one heap of goods; each order of its wave has a slot.
A scanned unit goes to the first slot (lowest number: the wave's most urgent order first, first come
first served) whose order still needs that SKU. A slot is complete - "pack" - exactly when every unit
of its order is in it. A slot whose order left the floor (cancelled, or held after a short pick)
takes nothing more: the screen says to take out what is in it, and the sorter clears it. Every
scanned unit is either put in exactly one slot or answered with why not (`Refusal`).

Complexity: O(s) per scan for s slots of the wall.
"""
from dataclasses import dataclass, field

FREE = "free"          # no order: the next wave may use it
SORTING = "sorting"    # an order's units are coming in
COMPLETE = "complete"  # every unit of its order is in it: the packer takes it ("pack")
STOPPED = "stopped"    # its order was cancelled or held: take out what is in it, then clear it

CANCELLED = "cancelled"  # why a slot stopped: the order was cancelled (拦截)
HELD = "on_hold"         # ... or held for review (a short pick)


@dataclass
class Slot:
    """One slot of the wall as the rules see it: its order's needs and what was put, by SKU id."""

    number: int
    code: str
    order_id: int | None = None
    order_ref: str = ""
    needs: dict = field(default_factory=dict)
    put: dict = field(default_factory=dict)
    stopped: str | None = None   # CANCELLED / HELD: the order left the floor

    @property
    def status(self):
        if self.order_id is None:
            return FREE
        if self.stopped:
            return STOPPED
        return COMPLETE if self.is_complete() else SORTING

    def is_complete(self):
        return bool(self.needs) and all(self.put.get(sku, 0) >= qty for sku, qty in self.needs.items())

    def wants(self, sku_id):
        """Units of this SKU the slot still takes (none once its order stopped)."""
        if self.order_id is None or self.stopped:
            return 0
        return max(0, self.needs.get(sku_id, 0) - self.put.get(sku_id, 0))

    def units_in(self):
        return sum(self.put.values())


@dataclass(frozen=True)
class Put:
    """The unit goes into this slot."""

    slot: Slot


@dataclass(frozen=True)
class Refusal:
    """The unit goes nowhere on the wall: `code` says why, `values` fill the sentence."""

    code: str
    values: dict


def place(slots, sku_id, picked_units):
    """Where one scanned unit of `sku_id` goes. `picked_units`: how many of it the wall's batch
    picked in all; more units than that on the wall means the scan is not this batch's goods.

    Refusals: `wall_not_on_wall` (no order of the wall wants this SKU), `wall_not_picked` (all the
    picked units are in slots already), `wall_order_stopped` (only a cancelled or held order wanted
    it), `wall_no_open_slot` (every slot wanting it is full)."""
    wanting = [s for s in slots if s.order_id is not None and s.needs.get(sku_id)]
    if not wanting:
        return Refusal("wall_not_on_wall", {})
    on_wall = sum(s.put.get(sku_id, 0) for s in slots)
    if on_wall >= picked_units:
        return Refusal("wall_not_picked", {"picked": picked_units})
    for slot in sorted(wanting, key=lambda s: s.number):
        if slot.wants(sku_id):
            return Put(slot)
    stopped = [s for s in wanting if s.stopped and s.put.get(sku_id, 0) < s.needs[sku_id]]
    if stopped:
        return Refusal("wall_order_stopped", {"order": stopped[0].order_ref, "why": stopped[0].stopped})
    return Refusal("wall_no_open_slot", {})


def clear(slot):
    """What clearing a stopped slot takes out (units by SKU id); the slot is then free."""
    out = {sku: qty for sku, qty in slot.put.items() if qty}
    slot.order_id, slot.order_ref, slot.needs, slot.put, slot.stopped = None, "", {}, {}, None
    return out


def can_clear(slot):
    """A slot may be cleared by the sorter when its order stopped (or once packed: nothing in it)."""
    return slot.order_id is not None and slot.stopped is not None


def light_for(slot, lit=False):
    """What a put-to-light module shows for a slot: (colour, text, blink)."""
    status = slot.status
    if status == FREE:
        return ("off", "", False)
    if status == STOPPED:
        return ("red", str(slot.units_in()), True)
    if status == COMPLETE:
        return ("blue", "PACK", False)
    done, total = slot.units_in(), sum(slot.needs.values())
    return ("green" if lit else "white", f"{done}/{total}", lit)
