"""Dock handover: scanning parcels onto a carrier manifest, refusals, closing it ships the orders."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.builders_handover import SmtpInbox, labelled_orders, make_carrier, make_parcel
from wms.errors import IllegalTransition, ValidationFailed
from wms.extensions import db
from wms.handover import services
from wms.handover.models import ManifestParcel
from wms.inventory.models import StockItem
from wms.orders import states
from wms.shipping.models import PARCEL_LABELLED, PARCEL_MANIFESTED, PARCEL_SEALED, PARCEL_SHIPPED, Parcel
from wms.tracking.models import BuyerNotice, TrackedParcel


@pytest.fixture
def dock(app):
    make_carrier("SF", "顺丰速运")
    make_carrier("YTO", "圆通速递")
    orders, parcels = labelled_orders(2)
    return orders, parcels


def on_hand(sku_code):
    from wms.catalog.models import Sku

    return db.session.scalar(select(func.sum(StockItem.on_hand)).join(Sku, Sku.id == StockItem.sku_id)
                             .where(Sku.code == sku_code))


def test_scanning_a_labelled_parcel_puts_it_on_the_manifest(dock):
    orders, parcels = dock
    manifest = services.open_manifest("SF", actor="clerk")
    services.scan_parcel(manifest.id, parcels[0].tracking_number, actor="clerk")
    db.session.expire_all()
    assert manifest.parcel_count == 1
    assert db.session.get(Parcel, parcels[0].id).status == PARCEL_MANIFESTED
    assert manifest.code.startswith("M-SF-")


def test_the_order_number_finds_its_parcel_too(dock):
    orders, parcels = dock
    manifest = services.open_manifest("SF")
    assert services.scan_parcel(manifest.id, orders[1].external_id).id == parcels[1].id


@pytest.mark.parametrize("make_bad, message", [
    (lambda o: make_parcel(o, carrier="YTO", tracking="YT1"), "belongs to YTO, not SF"),
    (lambda o: make_parcel(o, tracking=None, status=PARCEL_SEALED), "has no tracking number yet"),
    (lambda o: make_parcel(o, tracking="SFX", status="waybill_failed"), "waybill of order"),
    (lambda o: make_parcel(o, tracking="SFV", status="voided"), "was cancelled"),
])
def test_a_parcel_that_cannot_go_is_refused_with_the_reason_and_nothing_changes(app, make_bad, message):
    make_carrier("SF")
    make_carrier("YTO")
    orders, _parcels = labelled_orders(1, emails=False)
    db.session.delete(_parcels[0])
    db.session.commit()
    bad = make_bad(orders[0])
    manifest = services.open_manifest("SF")
    with pytest.raises(ValidationFailed) as refused:
        services.scan_parcel(manifest.id, bad.tracking_number or orders[0].external_id)
    assert message in refused.value.message
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ManifestParcel.id))) == 0
    assert db.session.get(Parcel, bad.id).status == bad.status


def test_an_unknown_code_and_an_empty_scan_are_refused(dock):
    manifest = services.open_manifest("SF")
    with pytest.raises(ValidationFailed, match="No parcel with tracking number NOPE"):
        services.scan_parcel(manifest.id, "NOPE")
    with pytest.raises(ValidationFailed, match="Scan a parcel"):
        services.scan_parcel(manifest.id, "  ")


def test_a_parcel_on_another_manifest_is_refused_and_a_double_scan_says_already_scanned(dock):
    _orders, parcels = dock
    first, second = services.open_manifest("SF"), services.open_manifest("SF")
    services.scan_parcel(first.id, parcels[0].tracking_number)
    with pytest.raises(ValidationFailed, match="Already scanned onto this manifest"):
        services.scan_parcel(first.id, parcels[0].tracking_number)
    with pytest.raises(ValidationFailed, match=f"already on manifest {first.code}"):
        services.scan_parcel(second.id, parcels[0].tracking_number)
    assert db.session.scalar(select(func.count(ManifestParcel.id))) == 1


def test_closing_ships_orders_deducts_stock_and_starts_tracking(app, dock):
    orders, parcels = dock
    before = on_hand("SKU-0")
    manifest = services.open_manifest("SF")
    for parcel in parcels:
        services.scan_parcel(manifest.id, parcel.tracking_number)
    result = services.close_manifest(manifest.id, actor="clerk")
    db.session.expire_all()
    assert sorted(result["shipped"]) == ["E100", "E101"] and result["skipped"] == []
    assert [db.session.get(type(o), o.id).status for o in orders] == [states.SHIPPED, states.SHIPPED]
    assert {db.session.get(Parcel, p.id).status for p in parcels} == {PARCEL_SHIPPED}
    assert on_hand("SKU-0") == before - 4
    assert db.session.scalar(select(func.count(TrackedParcel.id))) == 2


def test_closing_emails_each_buyer_the_order_carrier_and_tracking_number(app, dock):
    orders, parcels = dock
    with SmtpInbox() as inbox:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, MAIL_FROM="dock@wms.test")
        manifest = services.open_manifest("SF")
        services.scan_parcel(manifest.id, parcels[0].tracking_number)
        services.close_manifest(manifest.id)
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    body = mail.get_content()
    assert mail["To"] == "buyer0@example.com" and mail["From"] == "dock@wms.test"
    assert "E100" in mail["Subject"]
    assert "E100" in body and "顺丰速运" in body and parcels[0].tracking_number in body
    assert db.session.scalar(select(BuyerNotice.status)) == "sent"


def test_no_email_when_the_channel_notifies_its_own_buyers(app):
    from tests.builders import make_channel

    make_carrier("SF")
    _orders, parcels = labelled_orders(1, channel=make_channel(code="tm", notifies_buyers=True))
    with SmtpInbox() as inbox:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port)
        manifest = services.open_manifest("SF")
        services.scan_parcel(manifest.id, parcels[0].tracking_number)
        services.close_manifest(manifest.id)
    assert inbox.messages == []
    assert db.session.scalar(select(func.count(BuyerNotice.id))) == 0


def test_an_smtp_failure_is_recorded_and_the_order_still_ships(app, dock):
    from wms.worker import QueuedJob

    orders, parcels = dock
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1)  # nothing listens there
    manifest = services.open_manifest("SF")
    services.scan_parcel(manifest.id, parcels[0].tracking_number)
    services.close_manifest(manifest.id)
    db.session.expire_all()
    assert db.session.get(type(orders[0]), orders[0].id).status == states.SHIPPED
    notice = db.session.scalar(select(BuyerNotice))
    assert notice.status == "failed" and notice.last_error
    job = db.session.scalar(select(QueuedJob).where(QueuedJob.func.like("%send_buyer_notice")))
    assert job.status == "failed"


def test_closing_twice_is_refused_and_an_empty_manifest_cannot_close(dock):
    _orders, parcels = dock
    empty = services.open_manifest("SF")
    with pytest.raises(ValidationFailed, match="at least one parcel"):
        services.close_manifest(empty.id)
    manifest = services.open_manifest("SF")
    services.scan_parcel(manifest.id, parcels[0].tracking_number)
    services.close_manifest(manifest.id)
    with pytest.raises(IllegalTransition, match="already closed"):
        services.close_manifest(manifest.id)
    with pytest.raises(ValidationFailed, match="is closed"):
        services.scan_parcel(manifest.id, parcels[1].tracking_number)


def test_a_parcel_taken_off_the_manifest_waits_at_the_dock_again(dock):
    _orders, parcels = dock
    manifest = services.open_manifest("SF")
    services.scan_parcel(manifest.id, parcels[0].tracking_number)
    services.remove_parcel(manifest.id, parcels[0].id)
    db.session.expire_all()
    assert db.session.get(Parcel, parcels[0].id).status == PARCEL_LABELLED
    assert services.waiting_at_dock() == {"SF": 2}


def test_an_order_cancelled_after_its_scan_is_left_off_at_close(dock):
    orders, parcels = dock
    manifest = services.open_manifest("SF")
    for parcel in parcels:
        services.scan_parcel(manifest.id, parcel.tracking_number)
    orders[1].transition_to(states.CANCELLED, reason="refund")
    db.session.commit()
    result = services.close_manifest(manifest.id)
    assert result["shipped"] == ["E100"] and result["skipped"] == ["E101"]
    assert result["manifest"].parcel_count == 1


def test_the_manifest_pdf_lists_every_parcel_with_the_carrier_in_chinese(dock):
    orders, parcels = dock
    manifest = services.open_manifest("SF")
    for parcel in parcels:
        services.scan_parcel(manifest.id, parcel.tracking_number)
    services.close_manifest(manifest.id)
    filename, data = services.manifest_pdf(manifest.id)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert filename == f"{manifest.code}.pdf"
    assert manifest.code in text and "顺丰速运" in text
    assert all(p.tracking_number in text for p in parcels) and "E100" in text
    assert "2" in text and "2.50" in text  # two parcels, 2 x 1.25 kg


def test_an_unknown_carrier_cannot_open_a_manifest(app):
    with pytest.raises(ValidationFailed, match="Choose a carrier"):
        services.open_manifest("NOPE")
