"""Which pack station's print jobs and labels a caller may read.

A packer works at one station at a time. The station page signs in at it, kept on the login's row
(wms.auth.sessions: another station needs another sign-in, which the log records). Not in the session
cookie: a response carrying the cookie from before the sign-in (a static file's, a fetch racing it) put
the old one back, and a socket keeps the copy of the session it connected with, so its join_station was
refused and the station's pushes lost. A bearer token works at the station its device code names. A
packer reads only that station's print jobs and the labels of parcels sealed or printed there; supervisors
and admins read every station's.
"""
from flask import g
from sqlalchemy import exists, select, update

from wms.auth import roles
from wms.auth.models import AuthSession
from wms.errors import PermissionDenied
from wms.extensions import db
from wms.security import has_bearer_token
from wms.shipping.lookups import get_parcel
from wms.shipping.models import EarlyWaybill, PrintJob
from wms.rows import get_or_not_found
from wms.shipping.stations import active_station

def sign_in(code):
    """This request's login works at station `code` from now on (an unknown or inactive one: 404). Commits.
    A token's station is its device's: nothing to keep."""
    station = active_station(code)
    login = g.get("auth_session_id")
    if login is not None and not has_bearer_token():
        db.session.execute(update(AuthSession).where(AuthSession.id == login).values(station_code=station.code))
        db.session.commit()
    return station.code


def working_station(principal_device=None, login=None):
    """The station a login works at, or None: a token's device code, else the sign-in kept on the login's row
    (``login``: its id, for a socket; by default this request's)."""
    if principal_device is not None:
        return principal_device
    if login is None and has_bearer_token():
        return g.get("device_code")
    login = login if login is not None else g.get("auth_session_id")
    if login is None:
        return None
    return db.session.scalar(select(AuthSession.station_code).where(AuthSession.id == login))


def sees_every_station(user):
    return user.role in roles.SUPERVISE


def require_station(user, code, principal_device=None, login=None):
    """Refuse a packer another station's print jobs (or its room; a socket names its device or its login)."""
    if sees_every_station(user):
        return
    if not code or working_station(principal_device, login) != code:
        raise PermissionDenied("Sign in at this station to see its labels", station=code)


def require_label(user, parcel_id):
    """Refuse a packer the label of a parcel not sealed or printed at their station (unknown: 404)."""
    parcel = get_parcel(parcel_id)
    if sees_every_station(user):
        return parcel
    station = working_station()
    printed_here = station is not None and db.session.scalar(select(exists().where(
        PrintJob.parcel_id == parcel.id, PrintJob.station_code == station)))
    if station is None or (parcel.station_code != station and not printed_here):
        raise PermissionDenied("This label belongs to another station")
    return parcel


def require_early_label(user, waybill_id):
    """Refuse a packer the label of an early waybill (printed before picking) not sent to their station
    (unknown: 404); the office prints them from the waybill desk."""
    row = get_or_not_found(EarlyWaybill, waybill_id, "No such waybill request")
    if sees_every_station(user):
        return row
    station = working_station()
    if station is None or not db.session.scalar(select(exists().where(
            PrintJob.early_waybill_id == row.id, PrintJob.station_code == station))):
        raise PermissionDenied("This label belongs to another station")
    return row
