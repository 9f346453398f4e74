"""Pack station messages (codes keyed by the station's sound and colour; zh_CN in station.json)."""
MESSAGES = {
    "pack_item_ok": "{sku}: {done} of {qty}",
    "pack_complete": "All items verified: choose the carton and weigh",
    "pack_wrong_item": "Wrong item {scanned}: it is not in this order",
    "pack_too_many": "One too many: the order has only {qty} x {sku}",
    "pack_bad_qty": "Quantity must be a whole number of at least 1",
    "pack_incomplete": "Not all items verified: {missing}",
    "pack_unknown_carton": "Unknown carton {carton}",
    "pack_bad_weight": "Enter the weight in grams",
    "pack_weight_off": "Weight {actual} g is off: expected {expected} g ± {tolerance} g. Check the parcel",
    "pack_sealed": "Order {order} sealed: the label is on its way",
    "pack_unknown_order": "Unknown order",
    "pack_not_ready": "Order {order} is {status}, not ready to pack",
    "pack_order_stopped": "Order {order} is {status}: do not pack it, put the items back",
    "pack_cannot_seal": "Cannot seal: {reason}",
    "pack_forbidden": "Only packers may pack",
    "pack_busy": "Another station is packing this order right now",
}
