"""The short names of the reason codes on an order's holds and flags, as the review desk's chips and
filters show them. Pure.

One place for every code that review rules (wms.review.rules), the import (wms.imports.order_rules,
wms.imports.file_reading), the floor (a short pick) and a reviewer's manual hold put on an order. The
name is English, the catalogue key (wms.i18n translates it); a code not listed shows as itself.
"""

LABELS = {
    # review rules
    "required_fields": "Missing fields",
    "address": "Address",
    "phone": "Phone",
    "payment": "Unpaid",
    "unknown_sku": "Unknown SKU",
    "duplicate": "Mergeable",
    "remark": "Buyer note",
    "blacklist": "Blacklist",
    "amount": "Large amount",
    # people and the floor
    "manual": "Held by hand",
    "shortage": "Shortage",
    "finance": "Finance rejected",   # wms.finance: sent back from the finance desk (财审驳回)
    "awaiting_return": "Awaiting the return",   # wms.aftersales: an exchange's replacement waits for the goods
    # the import
    "price": "Price",
    "item_count": "Item count mismatch",
    "platform_status": "Platform status",
    "import_qty_zero": "Qty 0 line dropped",
    "import_no_sku": "Line without SKU",
    "import_unknown_sku": "SKU not in catalogue",
    "import_note_cut": "Note cut",
}


def reason_label(code):
    """The chip's English name of a reason code (the code itself when it has none)."""
    return LABELS.get(code, code)
