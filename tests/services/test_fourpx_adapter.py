"""The 4PX adapter over real HTTP against the local 4PX sandbox: signed calls, the consignment and its
number, a resend after a timeout that gets the same parcel, and each failure as the queue shows it."""
import pytest

from wms.shipping.carriers import Address, WaybillError, WaybillRequest, adapter_for
from wms.shipping.carriers.base import (
    ADDRESS_REJECTED, AUTH_FAILED, BAD_SIGNATURE, CARRIER_ERROR, PICKED_UP, SIGNED, TIMEOUT)
from wms.shipping.carriers.fourpx import CREATE, sign
from wms.shipping.carriers.fourpx_sandbox import FourPxSandbox
from wms.shipping.customs import Declaration, Item

DECLARATION = Declaration("DE", (Item("MUG-1", 2, "保温杯", "Vacuum flask", "961700", 1250, "EUR", "CN", "steel", 300),),
                          "EUR", ioss_number="IM2760000742", vat_number="DE123456789")
RECIPIENT = Address("Anna Schmidt", "+49301234567", "Berlin", "Berlin", "", "Hauptstr. 5", "10115", country="DE")
SENDER = Address("杭州仓", "0571-88888888", "浙江省", "杭州市", "余杭区", "仓前街道 1 号")


@pytest.fixture
def forwarder():
    box = FourPxSandbox(hang_s=1.5).start()
    yield box
    box.stop()


def request(ref="P1", **fields):
    return WaybillRequest(ref, fields.pop("recipient", RECIPIENT), SENDER, 640, customs=DECLARATION, **fields)


def test_the_signature_is_md5_of_the_sorted_common_parameters_the_body_and_the_secret():
    import hashlib

    text = "app_keykformatjsonmethodds.xms.order.createtimestamp1v1.1.0{}s"
    assert sign("k", CREATE, "1", "1.1.0", "{}", "s") == hashlib.md5(text.encode()).hexdigest()


def test_a_waybill_is_created_with_the_declaration_and_the_ioss_number(forwarder):
    result = adapter_for(forwarder.settings()).create_waybill(request())
    assert result.tracking_number.startswith("4PX") and result.sort_code == "DE PX"
    method, body = forwarder.requests[-1]
    assert method == CREATE and body["ref_no"] == "P1" and body["ioss_no"] == "IM2760000742"
    assert body["vat_no"] == "DE123456789" and body["recipient_info"]["country"] == "DE"
    line = body["parcel_list"][0]["declare_product_info"][0]
    assert (line["declare_product_name_cn"], line["declare_product_name_en"], line["hscode_export"]) == (
        "保温杯", "Vacuum flask", "961700")
    assert line["declare_unit_price_export"] == 12.5 and line["currency_export"] == "EUR"
    assert body["parcel_list"][0]["parcel_value"] == 25.0 and body["parcel_list"][0]["weight"] == 640


def test_a_resend_after_a_timeout_gets_the_same_parcel_never_a_second(forwarder):
    adapter = adapter_for(forwarder.settings())
    forwarder.fail_next("timeout")
    with pytest.raises(WaybillError) as timed_out:
        adapter.create_waybill(request("P7"))
    assert timed_out.value.reason == TIMEOUT and timed_out.value.retryable
    again = adapter.create_waybill(request("P7"))
    assert len(forwarder.orders) == 1 and again.tracking_number == forwarder.orders["P7"]["4px_tracking_no"]


@pytest.mark.parametrize("mode, reason, retryable", [
    ("auth", AUTH_FAILED, False), ("declaration", CARRIER_ERROR, False), ("address", ADDRESS_REJECTED, False),
    ("error", CARRIER_ERROR, True)])
def test_each_refusal_is_told_by_its_reason_and_creates_nothing(forwarder, mode, reason, retryable):
    forwarder.fail_next(mode)
    with pytest.raises(WaybillError) as refused:
        adapter_for(forwarder.settings()).create_waybill(request())
    assert (refused.value.reason, refused.value.retryable) == (reason, retryable)
    assert forwarder.orders == {}


def test_the_declaration_refusal_keeps_4px_words(forwarder):
    forwarder.fail_next("declaration")
    with pytest.raises(WaybillError) as refused:
        adapter_for(forwarder.settings()).create_waybill(request())
    assert "DS-1033" in refused.value.message and "declare_product_name_en" in refused.value.message


def test_a_wrong_secret_is_refused_as_authentication(forwarder):
    with pytest.raises(WaybillError) as refused:
        adapter_for(forwarder.settings(app_secret="not-the-secret")).create_waybill(request())
    assert refused.value.reason == AUTH_FAILED and not refused.value.retryable
    assert forwarder.orders == {}


def test_cancel_voids_the_consignment_and_an_unknown_one_is_refused(forwarder):
    adapter = adapter_for(forwarder.settings())
    result = adapter.create_waybill(request())
    adapter.cancel_waybill(result.tracking_number, result.carrier_order_id, "intercepted")
    assert forwarder.orders["P1"]["consignment_status"] == "X"
    with pytest.raises(WaybillError):
        adapter.cancel_waybill("4PX-NOPE")


def test_tracking_is_polled_and_read_by_its_words(forwarder):
    adapter = adapter_for(forwarder.settings())
    number = adapter.create_waybill(request()).tracking_number
    forwarder.add_event(number, "已揽收 Shipment picked up", "Shenzhen", "2026-12-01 10:00:00")
    forwarder.add_event(number, "Delivered 已签收", "Berlin", "2026-12-05 15:30:00")
    events = adapter.query_tracking(number)
    assert [e.status for e in events] == [PICKED_UP, SIGNED] and events[0].at.hour == 2  # 10:00 China = 02:00 UTC
    with pytest.raises(WaybillError) as pushed:
        adapter.parse_webhook({}, b"{}")
    assert pushed.value.reason == BAD_SIGNATURE
