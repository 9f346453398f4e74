"""A picked order at a pack station, cartons, and carriers pointing at the Kuaidi100 sandbox."""
import uuid

import pytest

from tests.builders import make_channel, make_order, make_sku
from wms.extensions import db
from wms.orders.models import Order
from wms.packing.models import CartonType
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.models import Carrier, PackStation


def make_carrier(code="SF", name="顺丰速运", settings=None, cutoffs=("17:00",), **fields):
    carrier = Carrier(code=code, name=name, cutoffs=list(cutoffs), settings=settings or {"adapter": "kuaidi100"}, **fields)
    db.session.add(carrier)
    db.session.commit()
    return carrier


def make_station(code="PS-1", **fields):
    station = PackStation(code=code, name=fields.pop("name", code), **fields)
    db.session.add(station)
    db.session.commit()
    return station


def make_cartons():
    """Cartons C1-C3, made once: the browser suites seed one live server, each test its own rows, and
    several of them want the standard cartons."""
    wanted = [CartonType(code="C1", name="小箱", length_mm=200, width_mm=150, height_mm=100, tare_g=100),
              CartonType(code="C2", name="中箱", length_mm=300, width_mm=250, height_mm=200, tare_g=200),
              CartonType(code="C3", name="大箱", length_mm=500, width_mm=400, height_mm=300, tare_g=400)]
    existing = {c.code: c for c in db.session.query(CartonType).filter(CartonType.code.in_([w.code for w in wanted]))}
    db.session.add_all([w for w in wanted if w.code not in existing])
    db.session.commit()
    return [existing.get(w.code, w) for w in wanted]


def picked_order(external_id="P1001", lines=(("SKU-A", 2), ("SKU-B", 1)), carrier_code="SF", channel=None, **fields):
    """An order already picked (ready for the bench), its SKUs made if missing."""
    from wms.catalog.models import Sku

    if not db.session.query(Sku).filter_by(code="SKU-A").first():
        make_sku("SKU-A", barcodes=("6901000000011",), name="保温杯", weight_g=300, length_mm=80, width_mm=80, height_mm=200)
        make_sku("SKU-B", barcodes=("6901000000028",), name="毛巾", weight_g=150, length_mm=100, width_mm=100, height_mm=50)
    if channel is None:
        channel = db.session.query(Order).first().channel if db.session.query(Order).first() else make_channel()
    return make_order(channel=channel, external_id=external_id, lines=lines, status="picked", carrier_code=carrier_code,
                      **fields)


def event(kind, **fields):
    return {"uuid": str(uuid.uuid4()), "kind": kind, "seq": 1, **fields}


@pytest.fixture
def sandbox():
    """The Kuaidi100 sandbox on a local port, for the tests that seal and label."""
    box = Sandbox().start()
    yield box
    box.stop()
