"""Seed for the ship-by end-to-end test: an approved order two hours past its promised ship-by,
alerted by the breach job, and a wall TV link. Prints what it made as JSON."""
import json
from datetime import timedelta

from tests.builders import make_channel, make_order, make_user
from tests.e2e.seeding import seeded_app
from wms.dashboard import services as wall
from wms.orders import deadlines
from wms.timeutil import utcnow


def seed():
    supervisor = make_user("supervisor", "shipbysuper")
    channel = make_channel("shipby-e2e", name="Ship-by store")
    order = make_order(channel=channel, external_id="LATE-E2E-1", status="approved",
                       ship_by=utcnow() - timedelta(hours=2))
    alerted = deadlines.alert_breaches()
    _screen, key = wall.create_screen("Ship-by TV", actor=supervisor)
    return {"key": key, "order": order.external_id, "alerted": order.id in alerted}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
