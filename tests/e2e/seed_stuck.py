"""Seed for the stuck-order test (after the handheld seed, whose warehouse and SKUs it reuses): a
supervisor reading Chinese and an approved order that has not moved for two hours. Prints JSON."""
import json
from datetime import timedelta

from sqlalchemy import update

from tests.builders import make_order, make_user
from tests.e2e.seeding import seeded_app
from wms.dashboard import services as wall
from wms.extensions import db
from wms.orders.models import Channel, Order
from wms.timeutil import utcnow


def seed():
    supervisor = make_user("supervisor", "stuckboss", locale="zh_CN")
    channel = db.session.query(Channel).order_by(Channel.id).first()
    order = make_order(channel, external_id="STUCK-1", lines=(("SKU-0", 1),), status="approved")
    db.session.execute(update(Order).where(Order.id == order.id).values(updated_at=utcnow() - timedelta(hours=2))
                       .execution_options(synchronize_session=False))
    db.session.commit()
    wall.rebuild_metrics()
    return {"supervisor": supervisor.username, "order": order.id}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
