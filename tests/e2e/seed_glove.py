"""Seed the live server for the tablet-size test: a packer and a dock clerk, a pack station with no
scale, a carton, a carrier, a picked order to pack, and an open manifest holding one labelled parcel.
Prints JSON. Its carrier and carton have codes of their own (GLV, G2): other suites seed SF and C1-C3
on the same server, in whatever order the suites run."""
import json

from sqlalchemy import select

from tests.builders import make_channel, make_order, make_user
from tests.builders_handover import make_parcel
from tests.builders_packing import make_carrier, make_station, picked_order
from tests.e2e.seeding import seeded_app
from wms.extensions import db
from wms.handover import services as handover
from wms.packing.models import CartonType
from wms.shipping.models import Carrier, PackStation


CARRIER = "GLV"


def bench():
    """The glove bench, its carrier and carton, made once whichever suite asks first (the suites may run in any
    order, or on another server of their own)."""
    if not db.session.scalar(select(Carrier.id).where(Carrier.code == CARRIER)):
        make_carrier(CARRIER, name="手套快递")
    if not db.session.scalar(select(CartonType.id).where(CartonType.code == "G2")):
        db.session.add(CartonType(code="G2", name="手套箱", length_mm=300, width_mm=250, height_mm=200, tare_g=200))
        db.session.commit()
    if not db.session.scalar(select(PackStation.id).where(PackStation.code == "PS-GLOVE")):
        make_station("PS-GLOVE", name="Glove bench")  # no scale: "read scale" must stay hidden


def seed():
    bench()
    channel = make_channel(code="glove-e2e")
    packer, dock = make_user("packer", "packer-glove"), make_user("dock", "dock-glove")
    picked_order(external_id="GL-1", channel=channel, carrier_code=CARRIER)
    shipped = make_order(channel=channel, external_id="GL-2", status="labelled", carrier_code=CARRIER)
    make_parcel(shipped, carrier=CARRIER, tracking="GL0000000002")
    manifest = handover.open_manifest(CARRIER)
    handover.scan_parcel(manifest.id, "GL0000000002")
    return {"packer": packer.username, "dock": dock.username, "manifest_id": manifest.id}


if __name__ == "__main__":
    with seeded_app():
        print(json.dumps(seed()))
