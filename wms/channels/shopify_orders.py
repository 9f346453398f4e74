"""A Shopify order -> our canonical order record, and a Shopify timestamp -> the sync cursor. Pure.

Fields read: the Order resource of the Admin REST API (https://shopify.dev/docs/api/admin-rest), as the
adapter (wms.channels.shopify) pulls it.

External id: the order's numeric `id`, not its `name` ("#1001"). The id is immutable and is what
every endpoint addresses (fulfillment orders, fulfillments), so writing tracking back needs no
lookup; the name is a per-shop display label built from a prefix the merchant may change.

Finance review's facts: cash_on_delivery is an order whose `payment_gateway_names` (the REST Order's
list of the gateways used) holds Shopify's manual cash-on-delivery gateway, "Cash on Delivery (COD)"
(the name Shopify gives it: a COD order's transaction has gateway "Cash on Delivery (COD)", processing_method
"manual", as community.shopify.com/t/processing-method-is-blank-instead-of-manual/110957 shows). A line's
list_price_cents is its `compare_at_price` when the line carries one (the variant's compare-at price;
REST line items do not always), else empty; its `price` stays the unit price. Shopify's order has no
invoice request: invoice_requested stays false.
"""
from wms.channels.base import cursor_text, naive_utc_text, parse_iso, to_cents

# financial_status -> our payment_status. Voided = the authorisation was cancelled and no money
# will come, so it must not ship: treated like a refund.
PAYMENT_STATUS = {
    "paid": "paid", "partially_refunded": "paid",
    "pending": "pending", "authorized": "pending", "partially_paid": "pending", "expired": "pending",
    "refunded": "refunded", "voided": "refunded",
}

COD_GATEWAY = "Cash on Delivery (COD)"   # Shopify's manual cash-on-delivery payment method


def to_cursor(timestamp):
    """A Shopify timestamp (with offset) as the sync cursor."""
    return cursor_text(parse_time(timestamp))


parse_time = parse_iso  # Shopify writes ISO 8601 with an offset


def _naive_utc(text):
    return naive_utc_text(parse_time(text)) if text else None


def order_to_record(order):
    """Map a Shopify order JSON object to our canonical order record (plus `cancelled_at`)."""
    ship = order.get("shipping_address") or order.get("billing_address") or {}
    customer = order.get("customer") or {}
    return {
        "external_id": str(order["id"]),
        "ordered_at": _naive_utc(order.get("created_at")),
        "buyer_name": _buyer_name(ship, customer),
        "buyer_phone": (ship.get("phone") or order.get("phone") or customer.get("phone") or "").strip(),
        "buyer_email": (order.get("email") or order.get("contact_email") or "").strip(),
        "country": (ship.get("country_code") or "").upper(),
        "province": (ship.get("province") or ship.get("province_code") or "").strip(),
        "city": (ship.get("city") or "").strip(),
        "district": "",  # Shopify has no district field; Chinese buyers write it in address1
        "address": " ".join(part.strip() for part in (ship.get("address1"), ship.get("address2"),
                                                        ship.get("company")) if part and part.strip()),
        "postcode": (ship.get("zip") or "").strip(),
        "total_cents": to_cents(order.get("total_price")),
        "currency": (order.get("currency") or "").upper(),
        "payment_status": PAYMENT_STATUS.get(order.get("financial_status") or "pending", "pending"),
        "buyer_remark": (order.get("note") or "").strip(),
        "seller_note": "",
        "tags": [tag.strip() for tag in (order.get("tags") or "").split(",") if tag.strip()],
        "priority": 0,
        "carrier_code": None,
        "cash_on_delivery": COD_GATEWAY in (order.get("payment_gateway_names") or ()),
        "invoice_requested": False,
        "lines": [line for line in map(_line, order.get("line_items") or []) if line],
        "cancelled_at": _naive_utc(order.get("cancelled_at")),
    }


def _buyer_name(ship, customer):
    name = ship.get("name") or " ".join(filter(None, (ship.get("first_name"), ship.get("last_name"))))
    if not name:
        name = " ".join(filter(None, (customer.get("first_name"), customer.get("last_name"))))
    return name.strip()


def _line(item):
    """A line item as our line; None for lines that need no shipping or were refunded away."""
    qty = item.get("current_quantity", item.get("quantity")) or 0
    if item.get("requires_shipping") is False or qty <= 0:
        return None
    sku = (item.get("sku") or "").strip()
    if not sku:  # a variant without SKU: keep the line, unmatched, so review sees it
        sku = f"shopify-variant-{item.get('variant_id') or item.get('id')}"
    compare_at = item.get("compare_at_price")
    return {"sku_code": sku, "name": (item.get("name") or item.get("title") or "").strip(),
            "qty": int(qty), "unit_price_cents": to_cents(item.get("price")),
            "list_price_cents": to_cents(compare_at) if compare_at not in (None, "") else None}
