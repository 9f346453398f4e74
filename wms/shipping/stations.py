"""The pack stations' print settings: which printer a station's labels go to (none: the browser
prints the PDF), on which paper, with which ZPL font, and its default carrier. Packing's setup page
saves them here; the seal, the label renderer and the printer job read them."""
from sqlalchemy import select

from wms import aftercommit
from wms.errors import NotFound, ValidationFailed
from wms.extensions import db
from wms.shipping.models import PackStation

DEFAULT_PAPER = "100x150"


def find_station(code):
    """The station with this code, active or not, or None."""
    return db.session.scalar(select(PackStation).where(PackStation.code == code))


def active_station(code):
    """The active station with this code, or NotFound."""
    found = db.session.scalar(select(PackStation).where(PackStation.code == code, PackStation.active.is_(True)))
    if found is None:
        raise NotFound(f"pack station {code!r} not found")
    return found


def stations():
    """The active stations, by code."""
    return db.session.scalars(select(PackStation).where(PackStation.active.is_(True)).order_by(PackStation.code)).all()


def save_station(code, **fields):
    """Create or update a station (admin)."""
    if not code or len(code) > 64:
        raise ValidationFailed("a station code of 1-64 characters is required", field="code")
    row = find_station(code) or PackStation(code=code)
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.add(row)
    aftercommit.commit()
    return row


def station_paper(code):
    """The label paper of a station; the default paper for an unknown station."""
    return db.session.scalar(select(PackStation.paper).where(PackStation.code == code)) or DEFAULT_PAPER
