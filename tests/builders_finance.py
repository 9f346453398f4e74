"""Builders for the finance review (财审) tests: a store with finance review on, an order waiting for finance."""
from tests.builders import make_channel, make_order, make_sku
from wms.extensions import db
from wms.finance import gate
from wms.orders.models import Order
from wms.wording import wording


def finance_channel(code="FIN-STORE", **fields):
    """A store whose approved orders go through the finance rules."""
    return make_channel(code=code, name=fields.pop("name", "Finance store"), finance_review=True, **fields)


def waiting_order(channel=None, external_id="F1", **fields):
    """An order the customer review passed that waits for finance (cash on delivery unless told)."""
    channel = channel or finance_channel()
    fields.setdefault("cash_on_delivery", True)
    order = make_order(channel=channel, external_id=external_id, **fields)
    gate.pass_customer_review(order, reason=wording("all checks passed"), actor="auto-review")
    db.session.commit()
    assert order.status == "finance_review", order.status
    return order


def reload(order):
    db.session.expire_all()
    return db.session.get(Order, order.id)


def sku_with_cost(code, cost_cents):
    return make_sku(code=code, barcodes=(), cost_cents=cost_cents)
