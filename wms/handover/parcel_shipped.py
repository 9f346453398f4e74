"""What shipping one parcel at the dock sets off: stock deducted, order shipped, tracking followed,
the channel and the buyer told. Part of close_manifest's transaction (no commit here)."""
from sqlalchemy import select

from wms.extensions import db
from wms.inventory.services import consume_reservation
from wms.orders import states
from wms.shipping.models import PARCEL_MANIFESTED, PARCEL_SHIPPED, Carrier
from wms.timeutil import utcnow
from wms.tracking import notices, writeback
from wms.tracking import services as tracking
from wms.wording import wording


def ship_parcel(row, manifest, actor):
    """Ship one manifested parcel; False (and nothing changed) when its order was intercepted meanwhile.

    Transitions: labelled -> shipped.
    """
    parcel, order = row.parcel, row.order
    if parcel.status != PARCEL_MANIFESTED or order.status != states.LABELLED:
        return False
    now = utcnow()
    parcel.status, parcel.shipped_at = PARCEL_SHIPPED, now
    order.transition_to(states.SHIPPED, reason=wording("handed over on manifest {code}", code=manifest.code),
                        actor=actor)
    consume_reservation(order.id, actor=actor, reference=f"manifest:{manifest.code}", commit=False)
    tracking.start_tracking(order.id, parcel.id, parcel.carrier_code, parcel.tracking_number, shipped_at=now)
    # 虚拟发货 channels were told at label time; this is a no-op for them unless that was missed.
    writeback.request_writeback(order, parcel.tracking_number, parcel.carrier_code, trigger="handover")
    carrier_name = db.session.scalar(select(Carrier.name).where(Carrier.code == parcel.carrier_code))
    notices.request_shipped_notice(order, carrier_name or parcel.carrier_code, parcel.tracking_number)
    return True
