"""The wall counts only the failures still open (issue 21 item 5): write-back failures next to waybill failures,
a dismissed write-back or a parcel resolved by hand never counted."""
from tests.builders import make_channel, make_order
from tests.builders_packing import make_carrier
from wms import aftercommit
from wms.dashboard import services
from wms.dashboard.schemas import Exceptions
from wms.extensions import db
from wms.shipping import waybill_failures
from wms.shipping.models import Parcel
from wms.tracking import writeback
from wms.tracking.models import WB_DONE, WB_FAILED, WB_PENDING, WritebackTask


def task(order, channel, status, kind="permanent"):
    row = WritebackTask(order_id=order.id, channel_id=channel.id, carrier_code="SF", tracking_number=f"SF{order.id:010d}",
                        status=status, attempts=1, failure_kind=kind if status == WB_FAILED else "")
    db.session.add(row)
    db.session.commit()
    return row


def test_the_wall_counts_open_write_back_and_waybill_failures_and_never_dismissed_ones(app):
    make_carrier("SF")
    channel = make_channel(code="wall-wbf", platform="shopify")
    orders = [make_order(channel=channel, external_id=f"WALL-WBF-{i}", status="packed") for i in range(6)]
    refused = task(orders[0], channel, WB_FAILED)
    task(orders[1], channel, WB_FAILED, kind="temporary")  # still retried by itself: open all the same
    task(orders[2], channel, WB_DONE)
    task(orders[3], channel, WB_PENDING)
    failed_parcels = [Parcel(order_id=o.id, carrier_code="SF", status="waybill_failed", seal_uuid=f"wall-wbf-{o.id}",
                             waybill_failure_kind="permanent") for o in orders[4:]]
    db.session.add_all(failed_parcels)
    db.session.commit()
    counts = services.snapshot()["exceptions"]
    assert (counts["writeback_failed"], counts["waybill_failed"]) == (2, 2)
    assert not Exceptions().validate(counts)

    writeback.dismiss_writeback(refused.id, "closed on the platform")
    waybill_failures.ship_by_hand(failed_parcels[0].id, carrier_code="SF", tracking_number="SF7700000001", reason="paper form")
    counts = services.snapshot()["exceptions"]
    assert (counts["writeback_failed"], counts["waybill_failed"]) == (1, 1)


def test_a_dismissal_and_a_number_typed_by_hand_tell_the_wall_to_push(app, monkeypatch):
    from wms.counters import changes

    told = []
    monkeypatch.setattr(changes, "_SUBSCRIBERS", [lambda _app: told.append("wall")])
    make_carrier("SF")
    channel = make_channel(code="wall-wbf-2", platform="shopify")
    orders = [make_order(channel=channel, external_id=f"WALL-WBF2-{i}", status="packed") for i in range(2)]
    refused = task(orders[0], channel, WB_FAILED)
    parcel = Parcel(order_id=orders[1].id, carrier_code="SF", status="waybill_failed", seal_uuid="wall-wbf2-1")
    db.session.add(parcel)
    aftercommit.commit()  # the builders' own counter moves are told now
    told.clear()
    writeback.dismiss_writeback(refused.id, "closed on the platform")
    assert told == ["wall"]
    waybill_failures.void_failed_parcel(parcel.id, "resealed")
    assert told == ["wall", "wall"]
    aftercommit.commit()
    assert told == ["wall", "wall"]  # nothing else moved
