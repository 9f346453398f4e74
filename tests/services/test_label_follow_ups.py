"""What other features do once a parcel has its label: shipping runs the follow-ups registered with
`label_follow_ups.after_label` (tracking's write-back among them) without importing those features."""
import pytest
from sqlalchemy import text

from tests.builders_packing import sandbox  # noqa: F401  (fixture)
from tests.builders_packing import make_carrier, make_station, picked_order
from wms.extensions import db
from wms.shipping import label_follow_ups, waybills
from wms.tracking import writeback


@pytest.fixture
def carrier(app, sandbox):
    make_station("PS-1")
    return make_carrier("SF", settings=sandbox.settings(timeout_s=2))


@pytest.fixture
def follow_ups(monkeypatch):
    """Only this test's follow-ups, and a record of what ran in which order."""
    monkeypatch.setattr(label_follow_ups, "_AFTER_LABEL", [])
    ran = []
    monkeypatch.setattr(waybills, "deliver_to_printer", lambda job_id: ran.append(("printer", job_id)))
    return ran


def seal(order):
    return waybills.seal_parcel(order.id, seal_uuid=f"seal-{order.id}", station_code="PS-1", carton_code="C2",
                                weight_g=900)


def test_a_follow_up_runs_once_after_the_label_is_committed_and_before_the_printer_gets_it(carrier, follow_ups):
    def committed_status(order_id, number, carrier_code):
        with db.engine.connect() as other:  # another connection sees only what was committed
            status = other.execute(text("SELECT status FROM parcels WHERE tracking_number = :n"), {"n": number}).scalar()
        follow_ups.append(("follow-up", order_id, number, carrier_code, status))

    label_follow_ups.after_label(committed_status)
    label_follow_ups.after_label(committed_status)  # registered twice: still runs once
    order = picked_order()
    parcel = seal(order)
    db.session.expire_all()
    number = db.session.get(type(parcel), parcel.id).tracking_number
    assert number
    assert follow_ups == [("follow-up", order.id, number, "SF", "labelled"), ("printer", parcel.print_jobs[0].id)]


def test_a_parcel_whose_waybill_failed_runs_no_follow_up(app, follow_ups):
    label_follow_ups.after_label(lambda *args: follow_ups.append(("follow-up", *args)))
    seal(picked_order(carrier_code="NOPE"))
    assert follow_ups == []


def test_the_tracking_write_back_follows_every_label_once_the_app_is_built(app):
    assert label_follow_ups._AFTER_LABEL.count(writeback.on_label_created) == 1
