"""Codes a pack station may scan that a feature beside packing gives meaning to: a put wall's slot code.

Packing and the put wall sit side by side (layer 4), so neither imports the other. The put wall
registers its resolver here when wms.putwall.slot_scan is imported (by the wall's sockets.py, which
create_app imports with every feature's entry modules); packing's find_order asks here after its own
codes. A resolver takes the scanned text and returns an order id, None when the code is not one of its
own, or raises a domain error the packer reads (a slot that is not complete yet).
"""
_RESOLVERS = []


def resolver(function):
    """Register `function(code) -> order id | None` (once, however often its module is imported)."""
    if function.__qualname__ not in {f.__qualname__ for f in _RESOLVERS}:
        _RESOLVERS.append(function)
    return function


def order_id_for(code):
    """The order behind `code` by the first resolver that knows it, else None."""
    for function in _RESOLVERS:
        order_id = function(code)
        if order_id is not None:
            return order_id
    return None
