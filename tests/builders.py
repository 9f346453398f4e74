"""Small builders for test data; each commits and returns the model."""
from wms.auth.models import User
from wms.catalog.models import Sku, SkuBarcode
from wms.extensions import db
from wms.orders.models import Channel, Order, OrderLine


def make_user(role="admin", username=None, password="secret-pass", pin="482915", locale="en"):
    user = User(username=username or f"{role}1", display_name=(username or role).title(), role=role,
                locale=locale, badge_secret=f"badge-{username or role}")
    user.set_password(password)
    user.set_pin(pin)
    db.session.add(user)
    db.session.commit()
    return user


def make_channel(code="web", platform="manual", **fields):
    channel = Channel(code=code, name=fields.pop("name", code.title()), platform=platform, **fields)
    db.session.add(channel)
    db.session.commit()
    return channel


def make_sku(code="SKU-1", barcodes=("6901234567892",), name=None, weight_g=200, **fields):
    sku = Sku(code=code, name=name or f"Item {code}", weight_g=weight_g, **fields)
    sku.barcodes = [SkuBarcode(barcode=b) for b in barcodes]
    db.session.add(sku)
    db.session.commit()
    return sku


def make_order(channel=None, external_id="1001", lines=(("SKU-1", 1),), status="imported", **fields):
    from wms.catalog.models import Sku as SkuModel

    channel = channel or db.session.query(Channel).first() or make_channel()
    defaults = dict(buyer_name="张三", buyer_phone="13800138000", province="浙江省", city="杭州市",
                    district="西湖区", address="文三路 90 号 1 幢 101 室", postcode="310012",
                    total_cents=9900, payment_status="paid")
    order = Order(channel_id=channel.id, external_id=external_id, status=status, **{**defaults, **fields})
    for code, qty in lines:
        sku = db.session.query(SkuModel).filter_by(code=code).first()
        order.lines.append(OrderLine(sku_code=code, sku_id=sku.id if sku else None, qty=qty,
                                     name=sku.name if sku else code, unit_price_cents=3300))
    db.session.add(order)
    db.session.commit()
    return order
