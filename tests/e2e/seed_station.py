"""Seed the live server for the pack station test: a packer, a station, cartons, a carrier pointing at
the Kuaidi100 sandbox of STATION_SANDBOX_URL, three stations (PS-E2E-NET's network printer listens on
STATION_PRINTER_PORT) and four picked orders (ST-1 to ST-4). Prints JSON."""
import json
import os

from tests.builders import make_channel, make_user
from tests.builders_packing import make_cartons, make_carrier, make_station, picked_order
from tests.e2e.seeding import seeded_app
from wms.shipping.carriers import sandbox


def seed():
    url = os.environ["STATION_SANDBOX_URL"]
    make_carrier("SF", settings={"adapter": "kuaidi100", "api_url": url, "poll_url": url, "key": sandbox.KEY,
                                 "secret": sandbox.SECRET, "customer": sandbox.CUSTOMER, "kuaidicom": "shunfeng",
                                 "timeout_s": 3})
    make_cartons()
    make_station("PS-E2E", name="Bench E2E")
    make_station("PS-E2E-2", name="Bench E2E two")  # the same login, in another tab
    make_station("PS-E2E-NET", name="Bench E2E printer", printer_host="127.0.0.1",
                 printer_port=int(os.environ["STATION_PRINTER_PORT"]))
    packer = make_user("packer", "packer-e2e")
    order = picked_order(external_id="ST-1", channel=make_channel(code="station-e2e"))
    picked_order(external_id="ST-2", lines=(("SKU-B", 1),), channel=order.channel)
    picked_order(external_id="ST-3", lines=(("SKU-B", 1),), channel=order.channel)
    picked_order(external_id="ST-4", lines=(("SKU-B", 1),), channel=order.channel)
    return {"order_id": order.id, "packer": packer.username}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
