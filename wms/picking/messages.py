"""Every message a handheld shows, in one catalogue (English keys; zh_CN in translations/zh_CN/floor.json).

Codes are stable for the client (colour, sound); text is rendered in the picker's language.
"""
MESSAGES = {
    "picked": "Picked {qty} x {sku}",
    "line_done": "Line done: {sku} x {qty}",
    "task_done": "Task {task} finished",
    "wrong_bin": "Wrong bin {scanned}: go to {expected}",
    "wrong_sku": "Wrong item {scanned}: expected {sku} ({name})",
    "too_many": "Too many: only {left} more of {sku} needed here",
    "bad_qty": "Quantity must be a whole number from 1 to {left}",
    "line_closed": "This line is already {status}",
    "task_not_yours": "Task {task} is no longer yours: {reason}",
    "task_closed": "Task {task} is {status}",
    "order_cancelled": "Order {order} was cancelled: put {qty} x {sku} back to bin {bin}",
    "order_on_hold": "Order {order} is on hold: put {qty} x {sku} back to bin {bin}",
    "short_recorded": "Short pick recorded: {sku} found {found} of {qty}; order {order} sent to review",
    "short_too_many": "Found quantity {found} is not short of {qty}: confirm the line instead",
    "unknown_line": "Unknown task line",
    "unknown_event": "Unknown action '{kind}'",
    "bad_event": "Malformed event: {problem}",
    "server_error": "The server could not apply this action (it is logged): check the task and scan again",
    "server_busy": "The server is busy: this action waits on the device and is sent again",
    "rate_limited": "Too many actions at once: sent again in {seconds} s",
    "uuid_conflict": "This action's id was already used by another device or user: it was not applied",
}


def register_messages(messages):
    """Add another feature's scanner messages (codes must be new)."""
    clash = set(messages) & set(MESSAGES)
    if clash:
        raise ValueError(f"message codes already used: {sorted(clash)}")
    MESSAGES.update(messages)


def message(code, **values):
    """(code, English text) - the client translates by code, the server log keeps the English."""
    return MESSAGES[code].format(**values)
