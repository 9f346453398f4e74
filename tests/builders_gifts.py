"""Builders for the gift rule tests: a rule row with its gift SKUs, and stock for a pool."""
from tests.builders import make_sku
from wms.catalog.models import Sku
from wms.extensions import db
from wms.review.gift_models import GiftRule


def gift_sku(code="GIFT-CUP", name="赠品杯"):
    """The gift SKU of that code (made once)."""
    return db.session.query(Sku).filter_by(code=code).first() or make_sku(code, barcodes=(), name=name)


def make_gift_rule(name="Free cup", gifts=("GIFT-CUP",), **fields):
    """An active rule giving one unit of the first gift SKU per order unless told otherwise."""
    rule = GiftRule(name=name, gift_sku_ids=[gift_sku(code).id for code in gifts],
                    gift_kind=fields.pop("gift_kind", "pool" if len(gifts) > 1 else "fixed"), **fields)
    db.session.add(rule)
    db.session.commit()
    return rule


def gift_lines(order):
    return [(line.sku_code, line.qty, line.unit_price_cents, line.gift_rule_id) for line in order.lines if line.is_gift]
