"""When an order's waybill is requested. Pure: stdlib only.

Two flows, chosen per warehouse and, where a store works differently, per channel:
- at seal (today's flow): the pack station seals, then the waybill is requested and the label prints;
- after allocation (the 店小秘 / 管易 flow): reviewed orders get their waybill numbers in bulk
  (运单号申请), wait in 待打单 split into 有货 / 缺货, their labels print in batches before picking,
  and the packer opens the order by scanning its label and seals without a second label.
A channel's "" means "as its warehouse says".
"""
from wms.errors import ValidationFailed

AT_SEAL = "at_seal"
AFTER_ALLOCATION = "after_allocation"
TIMINGS = (AT_SEAL, AFTER_ALLOCATION)
INHERIT = ""   # a channel without its own setting

# Order states in which an early waybill may be requested: reviewed, not yet packed.
REQUESTABLE_STATES = frozenset({"approved", "allocated", "backorder", "waved", "picking", "picked"})
# 待打单's two tabs, from the allocation: stock reserved (有货) or waiting for a receipt (缺货).
IN_STOCK_STATES = frozenset({"allocated", "waved", "picking", "picked"})
OUT_OF_STOCK_STATES = frozenset({"backorder"})


def effective(warehouse_timing, channel_timing=INHERIT):
    """The flow of an order: its channel's setting when it has one, else its warehouse's."""
    chosen = channel_timing or warehouse_timing or AT_SEAL
    return chosen if chosen in TIMINGS else AT_SEAL


def checked(value, *, allow_inherit=False, field="waybill_timing"):
    """A posted setting, or ValidationFailed naming the choices."""
    value = str(value or "").strip()
    if value in TIMINGS or (allow_inherit and value == INHERIT):
        return value
    raise ValidationFailed("Choose when the waybill is requested: at seal or after allocation", field=field)


def stock_tab(order_status):
    """'in_stock' (有货), 'out_of_stock' (缺货) or None for an order no longer waiting to print."""
    if order_status in IN_STOCK_STATES:
        return "in_stock"
    if order_status in OUT_OF_STOCK_STATES:
        return "out_of_stock"
    return None
