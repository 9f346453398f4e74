"""Seed the live server for the tablet-size test: a packer and a dock clerk, a pack station with no
scale, a picked order to pack, and an open manifest holding one labelled parcel. Prints JSON.
Idempotent about what other suites seed on the shared server (the SF carrier, the cartons)."""
import json

from sqlalchemy import select

from tests.builders import make_channel, make_order, make_user
from tests.builders_handover import make_parcel
from tests.builders_packing import make_cartons, make_carrier, make_station, picked_order
from tests.e2e.seeding import seeded_app
from wms.extensions import db
from wms.handover import services as handover
from wms.packing.models import CartonType
from wms.shipping.models import Carrier


def seed():
    if not db.session.scalar(select(Carrier.id).where(Carrier.code == "SF")):
        make_carrier("SF")
    if not db.session.scalar(select(CartonType.id).where(CartonType.code == "C2")):
        make_cartons()
    make_station("PS-GLOVE", name="Glove bench")  # no scale: "read scale" must stay hidden
    channel = make_channel(code="glove-e2e")
    packer, dock = make_user("packer", "packer-glove"), make_user("dock", "dock-glove")
    picked_order(external_id="GL-1", channel=channel)
    shipped = make_order(channel=channel, external_id="GL-2", status="labelled", carrier_code="SF")
    make_parcel(shipped, carrier="SF", tracking="GL0000000002")
    manifest = handover.open_manifest("SF")
    handover.scan_parcel(manifest.id, "GL0000000002")
    return {"packer": packer.username, "dock": dock.username, "manifest_id": manifest.id}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
