"""What the tracking engineer calls: real-time query and subscription push of the Kuaidi100 adapter."""
import json
import subprocess
import sys

import pytest
import requests

from tests.builders_packing import make_carrier, picked_order
from wms.extensions import db
from wms.shipping import waybills
from wms.shipping.carriers import WaybillError, adapter_for
from wms.shipping.carriers.kuaidi100 import push_sign
from wms.shipping.carriers.sandbox import Sandbox, last_result
from wms.shipping.models import Parcel


@pytest.fixture
def sandbox():
    box = Sandbox().start()
    yield box
    box.stop()


def test_query_tracking_returns_normalised_events_oldest_first(sandbox):
    adapter = adapter_for(sandbox.settings())
    from wms.shipping.carriers import Address, WaybillRequest

    number = adapter.create_waybill(WaybillRequest("P1", Address("张三", "138", "浙江省", "杭州市", "西湖区", "文三路"),
                                                   Address("仓", "021"), 500)).tracking_number
    sandbox.add_event(number, "【杭州转运中心】已发出", "0", "在途")
    sandbox.add_event(number, "【西湖区】派件中", "5", "派件")
    events = adapter.query_tracking(number, phone="8000")
    assert [e.status for e in events] == ["picked_up", "in_transit", "out_for_delivery"]
    assert events[-1].description == "【西湖区】派件中" and events[0].tracking_number == number


def test_query_with_a_wrong_key_is_a_carrier_error(sandbox):
    adapter = adapter_for(sandbox.settings(key="wrong"))
    with pytest.raises(WaybillError) as raised:
        adapter.query_tracking("SF1")
    assert raised.value.reason == "carrier_error"


def test_a_signed_push_is_parsed_and_a_forged_one_refused(sandbox):
    adapter = adapter_for(sandbox.settings(salt="s3cret"))
    events = [{"time": "2026-11-22 18:05:00", "ftime": "2026-11-22 18:05:00", "context": "已签收，本人签收",
               "status": "签收", "statusCode": "3", "location": ""}]
    param = json.dumps({"status": "shutdown", "billstatus": "check", "message": "",
                        "lastResult": last_result("SF123", "shunfeng", events)}, ensure_ascii=False)
    [event] = adapter.parse_webhook({}, {"param": param, "sign": push_sign(param, "s3cret")})
    assert (event.status, event.tracking_number) == ("signed", "SF123")
    assert event.at.isoformat() == "2026-11-22T10:05:00"  # China time -> naive UTC
    assert adapter.webhook_ack() == ({"result": True, "returnCode": "200", "message": "成功"}, 200)
    with pytest.raises(WaybillError) as raised:
        adapter.parse_webhook({}, {"param": param, "sign": "0" * 32})
    assert raised.value.reason == "bad_signature"


def test_a_carrier_without_api_settings_talks_to_the_configured_sandbox(app, sandbox):
    app.config["CARRIER_SANDBOX_URL"] = sandbox.url
    make_carrier("SF", settings={})
    parcel = waybills.seal_parcel(picked_order().id, seal_uuid="s-1", station_code="PS-1", carton_code="C1", weight_g=800)
    db.session.expire_all()
    assert db.session.get(Parcel, parcel.id).status == "labelled" and len(sandbox.waybills) == 1


def test_an_order_becoming_picked_is_pushed_to_pack_stations(app, published):
    from tests.builders_floor import assigned_task, pick_event
    from wms.picking import floor

    task, picker = assigned_task((("X1", [("SKU-0", 2), ("SKU-1", 1)]),))
    first, last = sorted(task.lines, key=lambda line: line.sku.code)
    floor.apply_event(picker, "dev-1", pick_event(first, qty=2))
    assert not any(e["event"] == "pack.task_ready" for e in published)  # a line still open
    floor.apply_event(picker, "dev-1", pick_event(last, qty=1))
    ready = [e for e in published if e["event"] == "pack.task_ready"]
    assert [(e["room"], e["payload"]["ref"]) for e in ready] == [("role:packer", "X1")]


def test_the_sandbox_runs_as_a_module_and_takes_faults_over_http():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "wms.shipping.carriers.sandbox", "--port", str(port)],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert "kuaidi100 sandbox" in process.stdout.readline()
        answer = requests.post(f"http://127.0.0.1:{port}/_sandbox/fail", data={"mode": "quota"}, timeout=5).json()
        assert answer == {"faults": ["quota"]}
        adapter = adapter_for(Sandbox.settings_for(f"http://127.0.0.1:{port}"))
        from wms.shipping.carriers import Address, WaybillRequest

        with pytest.raises(WaybillError) as raised:
            adapter.create_waybill(WaybillRequest("P9", Address("李四", "139", address="路"), Address("仓", "1"), 100))
        assert raised.value.reason == "quota_exceeded"
    finally:
        process.terminate()
        process.wait(5)
