"""Seed the live server for the print component test: a carrier on the Kuaidi100 sandbox of
STATION_SANDBOX_URL, a station whose PC runs the print component at PRINT_COMPONENT_URL, and three
parcels sealed and labelled at another bench (their labels not printed at the component's station).
Prints JSON: the parcels in pick order, their tracking numbers, the packer and supervisor."""
import json
import os
import uuid

from tests.builders import make_channel, make_user
from tests.builders_packing import make_cartons, make_carrier, make_station, picked_order
from tests.e2e.seeding import seeded_app
from wms.shipping import waybills
from wms.shipping.carriers import sandbox
from wms.shipping.models import Parcel
from wms.shipping.print_sandbox import TEMPLATE_URL


def seed():
    url = os.environ["STATION_SANDBOX_URL"]
    make_carrier("PCSF", name="顺丰速运", settings={
        "adapter": "kuaidi100", "api_url": url, "poll_url": url, "key": sandbox.KEY, "secret": sandbox.SECRET,
        "customer": sandbox.CUSTOMER, "kuaidicom": "shunfeng", "timeout_s": 3})
    make_cartons()
    make_station("PS-PC", name="Bench with print component", print_component_url=os.environ["PRINT_COMPONENT_URL"],
                 print_component_template=TEMPLATE_URL)
    make_station("PS-SEAL", name="Sealing bench")
    channel = make_channel(code="print-component-e2e")
    parcels = []
    for number in (1, 2, 3):
        order = picked_order(external_id=f"PC-{number}", channel=channel, carrier_code="PCSF")
        parcel = waybills.seal_parcel(order.id, seal_uuid=str(uuid.uuid4()), station_code="PS-SEAL", carton_code="C2",
                                      weight_g=950)
        parcels.append(parcel.id)
    from wms.extensions import db

    tracking = [db.session.get(Parcel, parcel_id).tracking_number for parcel_id in parcels]
    assert all(tracking), "the sandbox carrier labelled every parcel (jobs run inline in the test config)"
    return {"parcels": parcels, "tracking": tracking, "packer": make_user("packer", "packer-pc").username,
            "supervisor": make_user("supervisor", "supervisor-pc").username}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
