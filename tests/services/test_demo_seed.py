"""The demo seed `make run` uses works on an empty database and gives every screen something."""
from sqlalchemy import func, select

from wms import demo
from wms.auth.models import User
from wms.catalog.models import Sku
from wms.extensions import db
from wms.orders.models import Order
from wms.picking.models import PickTask


def test_the_demo_seed_fills_every_stage_with_real_data(app):
    summary = demo.seed(n_skus=60, n_orders=60)
    assert "60 SKUs" in summary
    assert {u.role for u in db.session.scalars(select(User))} == {"admin", "supervisor", "reviewer", "finance", "picker",
                                                                  "packer", "dock"}
    assert db.session.scalar(select(func.count(Sku.id))) == 60
    statuses = dict(db.session.execute(select(Order.status, func.count(Order.id)).group_by(Order.status)).all())
    assert sum(statuses.values()) == 60 + 2   # and the finance store's two, waiting for finance
    assert statuses["finance_review"] == 2
    assert statuses.get("on_hold", 0) >= 5  # review exceptions are real
    assert statuses.get("waved", 0) >= 1
    picker = db.session.scalar(select(User).where(User.username == "picker"))
    assert db.session.scalar(select(func.count(PickTask.id)).where(PickTask.picker_id == picker.id)) == 1


def test_ean13_check_digits_are_valid():
    assert demo.ean13("690123456789") == "6901234567892"
