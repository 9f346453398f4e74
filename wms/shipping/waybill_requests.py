"""What the carrier is asked for an order's waybill: the recipient, the sender (the warehouse it ships
from), the weight, the contents line and, abroad, the customs declaration. The label shows the same
recipient and contents (wms.shipping.label_files)."""
from wms.shipping import customs, declarations
from wms.shipping.carriers import Address, WaybillRequest
from wms.shipping.ship_from import sender_address, ship_from


def waybill_request(order, client_order_id, carrier, weight_g, declaration=None, origin=None):
    """What the carrier is asked for an order's waybill; `client_order_id` is the idempotency key the
    carrier honours (P<parcel id> at seal, E<early waybill id> in the 店小秘 flow); `origin`: its ShipFrom
    when the caller already has it."""
    sender = sender_address(carrier, origin or ship_from(order.id))
    return WaybillRequest(client_order_id=client_order_id, recipient=recipient(order), sender=sender,
                          weight_g=weight_g, cargo=cargo(order), remark=order.external_id, customs=declaration)


def recipient(order):
    """The order's buyer and address as the carrier takes it (country upper-cased, CN when unset)."""
    return Address(order.buyer_name, order.buyer_phone, order.province, order.city, order.district,
                   order.address, order.postcode, country=(order.country or "CN").upper())


def cargo(order, limit=60):
    """The contents line: abroad, as declared in English (what the forwarder's label shows). The carrier's
    request takes 60 characters; the label's item box fits a longer one (and marks a cut)."""
    if customs.needs_declaration(order.country):
        declaration, _row = declarations.declaration_of(order)
        return "; ".join(f"{item.name_en or item.sku_code} x{item.qty}" for item in declaration.items)[:limit]
    return "; ".join(f"{line.name or line.sku_code} x{line.qty}" for line in order.lines)[:limit]
