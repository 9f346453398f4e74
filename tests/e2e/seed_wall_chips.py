"""Seed for the wall's hold chips test: an order of its own store held for every reason code the desk
names (wms.orders.reason_labels), so the wall shows its widest set of chips, and a wall TV link.
Prints JSON."""
import json

from sqlalchemy import select

from tests.builders import make_channel, make_order, make_user
from tests.e2e.seeding import seeded_app
from wms.auth.models import User
from wms.dashboard import services as wall
from wms.extensions import db
from wms.orders.reason_labels import LABELS

SUPERVISOR = "wall-chips-super"


def seed():
    supervisor = db.session.scalar(select(User).where(User.username == SUPERVISOR)) or make_user("supervisor", SUPERVISOR)
    make_order(channel=make_channel(code="wall-chips"), external_id="CHIPS-1", status="on_hold",
               hold_reasons=[{"code": code, "detail": ""} for code in LABELS])
    wall.rebuild_metrics()
    _screen, key = wall.create_screen("Chips TV", actor=supervisor)
    return {"key": key, "codes": sorted(LABELS)}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
