"""For the presale browser test: run the presales' release as the minute job (wms.schedule) does once
PSE2E-1's ship-from time has come - at that time, not the clock's, so the test does not wait two days.
Prints JSON: the released and allocated order ids."""
import json
from datetime import timedelta

from tests.e2e.seeding import seeded_app
from wms.extensions import db
from wms.inventory import services
from wms.orders.models import Order


def release():
    ship_from = db.session.scalar(db.select(Order.presale_ship_from).where(Order.external_id == "PSE2E-1"))
    result = services.release_presales(now=ship_from + timedelta(minutes=1))
    return {"released": result["released"], "allocated": (result["allocation"] or {}).get("allocated", [])}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(release()))
