"""The put wall's scanner messages (codes keyed by the screen's sound and colour; zh_CN in putwall.json)."""
MESSAGES = {
    "wall_put": "Put {sku} into slot {slot}: order {order}, {done} of {total}",
    "wall_slot_complete": "Put {sku} into slot {slot}: order {order} is complete, ready to pack",
    "wall_unknown": "Unknown put wall {wall}",
    "wall_unknown_item": "Unknown item {scanned}: check the barcode",
    "wall_not_on_wall": "{sku} is for no order on this wall: put it aside for the supervisor",
    "wall_not_picked": "More {sku} than were picked ({picked}): put it aside for the supervisor",
    "wall_order_cancelled": "Order {order} was cancelled or left its wave: put this {sku} aside to go back to stock",
    "wall_order_held": "Order {order} is on hold after a short pick: put this {sku} aside to go back to stock",
    "wall_no_open_slot": "No open slot needs {sku}: put it aside for the supervisor",
    "wall_slot_cleared": "Slot {slot} cleared: take out {units} items, they go back to stock",
    "wall_slot_not_stopped": "Slot {slot} is {status}: only the slot of a cancelled or held order is cleared",
    "wall_unknown_slot": "Unknown slot {slot}",
    "wall_forbidden": "Only packers and supervisors sort at the put wall",
    "wall_busy": "Another scan took this slot's last place: scan the item again",
}
