"""Dock handover use cases: open a manifest, scan parcels onto it, close it (the parcels ship).

Transitions: labelled -> shipped (on close).
"""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from wms import aftercommit, realtime
from wms.errors import IllegalTransition, NotFound, ValidationFailed
from wms.extensions import db
from wms.handover.models import MANIFEST_CLOSED, MANIFEST_OPEN, Manifest, ManifestParcel
from wms.inputs import actor_name
from wms.orders import states
from wms.orders.models import Order
from wms.rows import get_or_not_found
from wms.shipping.models import (
    PARCEL_LABELLED, PARCEL_MANIFESTED, PARCEL_SEALED, PARCEL_SHIPPED, PARCEL_VOIDED, PARCEL_WAYBILL_FAILED,
    Carrier, Parcel)
from wms.timeutil import utcnow
from wms.wording import wording


def open_manifest(carrier_code, actor=None):
    """Start loading a carrier's truck: a new open manifest (code M-<carrier>-<yyyymmdd>-<n>)."""
    carrier = db.session.scalar(select(Carrier).where(Carrier.code == carrier_code, Carrier.active.is_(True)))
    if carrier is None:
        raise ValidationFailed("Choose a carrier", field="carrier")
    prefix = f"M-{carrier.code}-{utcnow():%Y%m%d}-"
    for _attempt in range(5):
        count = db.session.scalar(select(func.count(Manifest.id)).where(Manifest.code.like(prefix + "%")))
        manifest = Manifest(code=f"{prefix}{count + 1:03d}", carrier_code=carrier.code, opened_by=actor_name(actor))
        db.session.add(manifest)
        try:
            aftercommit.commit()
            return manifest
        except IntegrityError:  # another clerk opened one in the same instant: take the next number
            db.session.rollback()
    raise ValidationFailed("Could not number the manifest; try again")


def get_manifest(manifest_id):
    """A manifest or NotFound."""
    return get_or_not_found(Manifest, manifest_id, "No such manifest")


def list_manifests(status=None, limit=200):
    """Manifests, newest first (open ones only with status='open')."""
    query = select(Manifest).order_by(Manifest.id.desc()).limit(limit)
    if status:
        query = query.where(Manifest.status == status)
    return db.session.scalars(query).all()


def waiting_at_dock():
    """Labelled parcels not yet on a manifest, counted per carrier: what the trucks should take."""
    return dict(db.session.execute(select(Parcel.carrier_code, func.count(Parcel.id))
                                   .where(Parcel.status == PARCEL_LABELLED).group_by(Parcel.carrier_code)).all())


def scan_parcel(manifest_id, code, actor=None):
    """Put the scanned parcel (tracking number, or order number) on the manifest; refusals say why."""
    manifest = get_manifest(manifest_id)
    if manifest.status != MANIFEST_OPEN:
        raise ValidationFailed.worded("Manifest {code} is closed", code=manifest.code, details={"field": "code"})
    parcel = _find_parcel((code or "").strip())
    _check_parcel(parcel, manifest)
    claimed = db.session.execute(update(Parcel).where(Parcel.id == parcel.id, Parcel.status == PARCEL_LABELLED)
                                 .values(status=PARCEL_MANIFESTED)).rowcount
    if claimed != 1:
        db.session.rollback()
        return _refuse_taken(parcel.id, manifest)
    db.session.add(ManifestParcel(manifest_id=manifest.id, parcel_id=parcel.id, order_id=parcel.order_id,
                                  tracking_number=parcel.tracking_number, weight_g=parcel.weight_g,
                                  scanned_by=actor_name(actor)))
    manifest.parcel_count = Manifest.parcel_count + 1
    try:
        aftercommit.commit()
    except IntegrityError:
        db.session.rollback()
        return _refuse_taken(parcel.id, manifest)
    db.session.refresh(manifest)
    return parcel


def _find_parcel(code):
    if not code:
        raise ValidationFailed("Scan a parcel's tracking number", field="code")
    parcel = db.session.scalar(select(Parcel).where(Parcel.tracking_number == code))
    if parcel is not None:
        return parcel
    orders = db.session.scalars(select(Order).where(Order.external_id == code)).all()
    if len(orders) != 1:
        raise ValidationFailed.worded("No parcel with tracking number {code}", code=code, details={"field": "code"})
    parcel = db.session.scalar(select(Parcel).where(Parcel.order_id == orders[0].id)
                               .order_by((Parcel.status == PARCEL_VOIDED), Parcel.id.desc()).limit(1))
    if parcel is None:
        raise ValidationFailed.worded("Order {order} is not sealed yet: it has no parcel",
                                      order=code, details={"field": "code"})
    return parcel


def _check_parcel(parcel, manifest):
    order = db.session.get(Order, parcel.order_id)
    ref = order.external_id
    if order.status == states.CANCELLED or parcel.status == PARCEL_VOIDED:
        raise ValidationFailed.worded("Order {order} was cancelled: keep this parcel off the truck",
                                      order=ref, details={"field": "code"})
    if parcel.status == PARCEL_SEALED or not parcel.tracking_number:
        raise ValidationFailed.worded("Parcel of order {order} has no tracking number yet: wait for its label",
                                      order=ref, details={"field": "code"})
    if parcel.status == PARCEL_WAYBILL_FAILED:
        raise ValidationFailed.worded("The waybill of order {order} failed: take it back to packing",
                                      order=ref, details={"field": "code"})
    if parcel.carrier_code != manifest.carrier_code:
        raise ValidationFailed.worded("Parcel {number} belongs to {carrier}, not {manifest_carrier}",
                                      number=parcel.tracking_number, carrier=parcel.carrier_code,
                                      manifest_carrier=manifest.carrier_code, details={"field": "code"})
    if parcel.status in (PARCEL_MANIFESTED, PARCEL_SHIPPED):
        _refuse_taken(parcel.id, manifest)
    if order.status != states.LABELLED:
        raise ValidationFailed.worded("Order {order} is '{status}' and cannot ship", order=ref,
                                      status=wording(order.status), details={"field": "code"})


def _refuse_taken(parcel_id, manifest):
    on = db.session.scalar(select(Manifest).join(ManifestParcel).where(ManifestParcel.parcel_id == parcel_id))
    if on is not None and on.id == manifest.id:
        raise ValidationFailed("Already scanned onto this manifest", field="code", duplicate=True)
    raise ValidationFailed.worded("This parcel is already on manifest {code}",
                                  code=on.code if on else "?", details={"field": "code"})


def remove_parcel(manifest_id, parcel_id, actor=None):
    """Take a parcel off an open manifest (it goes back to waiting at the dock)."""
    manifest = get_manifest(manifest_id)
    if manifest.status != MANIFEST_OPEN:
        raise ValidationFailed.worded("Manifest {code} is closed", code=manifest.code)
    row = db.session.scalar(select(ManifestParcel).where(ManifestParcel.manifest_id == manifest.id,
                                                         ManifestParcel.parcel_id == parcel_id))
    if row is None:
        raise NotFound("That parcel is not on this manifest")
    db.session.execute(update(Parcel).where(Parcel.id == parcel_id, Parcel.status == PARCEL_MANIFESTED)
                       .values(status=PARCEL_LABELLED))
    db.session.delete(row)
    manifest.parcel_count = Manifest.parcel_count - 1
    aftercommit.commit()
    return manifest


def close_manifest(manifest_id, actor=None):
    """The driver signed: every parcel ships, stock is deducted, channels and buyers are told.

    Parcels whose order was intercepted meanwhile are left off and listed in `skipped`.
    Transitions: labelled -> shipped.
    """
    from wms.handover.parcel_shipped import ship_parcel

    manifest = get_manifest(manifest_id)
    won = db.session.execute(update(Manifest).where(Manifest.id == manifest.id, Manifest.status == MANIFEST_OPEN)
                             .values(status=MANIFEST_CLOSED, closed_at=utcnow(), closed_by=actor_name(actor))).rowcount
    if won != 1:
        db.session.rollback()
        raise IllegalTransition.worded("Manifest {code} is already closed", code=manifest.code)
    rows = db.session.scalars(select(ManifestParcel).where(ManifestParcel.manifest_id == manifest.id)
                              .order_by(ManifestParcel.order_id)).all()
    if not rows:
        db.session.rollback()
        raise ValidationFailed("Scan at least one parcel before closing the manifest")
    shipped, skipped = [], []
    for row in rows:
        (shipped if ship_parcel(row, manifest, actor) else skipped).append(row.order.external_id)
    for row in rows:
        if row.order.external_id in skipped:
            db.session.delete(row)
    manifest.parcel_count = len(shipped)
    realtime.publish("manifest.closed", {"manifest_id": manifest.id, "code": manifest.code,
                                         "carrier": manifest.carrier_code, "shipped": len(shipped)},
                     realtime.room_for_role("supervisor"))
    aftercommit.commit()
    db.session.refresh(manifest)
    return {"manifest": manifest, "shipped": shipped, "skipped": skipped}


def manifest_pdf(manifest_id, tz_name="Asia/Shanghai"):
    """(filename, PDF bytes) of a manifest: what the driver signs."""
    from wms.handover.pdf import render_manifest
    from wms.timeutil import to_local

    manifest = get_manifest(manifest_id)
    rows = [(row.tracking_number, row.order.external_id, row.order.buyer_name, row.order.city, row.weight_g)
            for row in manifest.parcels]
    carrier_name = db.session.scalar(select(Carrier.name).where(Carrier.code == manifest.carrier_code))
    printed = to_local(manifest.closed_at or utcnow(), tz_name).strftime("%Y-%m-%d %H:%M")
    return f"{manifest.code}.pdf", render_manifest(manifest, rows, carrier_name or manifest.carrier_code, printed)
