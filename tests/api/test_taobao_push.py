"""Taobao TMC push receiver: a correctly signed trade message syncs the channel; anything else is 401."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.builders import make_channel
from tests.builders_taobao import make_taobao_catalogue, make_taobao_channel
from wms.channels.models import PushReceipt
from wms.channels.sandbox.taobao import start_in_thread
from wms.channels.sandbox.taobao_push import tmc_message
from wms.channels.sandbox.taobao_seed import FIRST_TID
from wms.channels.sandbox.taobao_store import DEFAULT_SECRET
from wms.channels.taobao_protocol import TOP_TZ, format_top_time
from wms.extensions import db
from wms.orders.models import Order
from wms.worker import QueuedJob

URL = "/api/channels/tmall/taobao/push"
TRADE = {"tid": FIRST_TID, "status": "WAIT_SELLER_SEND_GOODS", "seller_nick": "青瓷茶舍旗舰店"}


@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def channel(app, sandbox):
    make_taobao_catalogue()
    return make_taobao_channel(sandbox.base_url)


def orders():
    return db.session.scalar(select(func.count(Order.id)))


def jobs():
    return db.session.scalar(select(func.count(QueuedJob.id)).where(QueuedJob.func == "wms.channels.jobs.sync_channel"))


def test_a_signed_trade_message_enqueues_a_sync_that_imports_the_trades(client, channel):
    response = client.post(URL, data=tmc_message("taobao_trade_TradeBuyerPay", TRADE))

    assert response.status_code == 200, response.json
    assert response.json["success"] is True and response.json["already_queued"] is False
    assert jobs() == 1
    assert orders() == 8  # the job ran (inline in tests) and pulled from the sandbox


def test_an_hmac_signed_message_is_accepted_too(client, channel):
    response = client.post(URL, data=tmc_message("taobao_trade_TradeCreate", TRADE, sign_method="hmac"))

    assert response.status_code == 200 and jobs() == 1


def test_a_message_with_a_wrong_signature_is_401_and_changes_nothing(client, channel):
    fields = tmc_message("taobao_trade_TradeCreate", TRADE)
    fields["sign"] = "0" * 32

    response = client.post(URL, data=fields)

    assert response.status_code == 401
    assert response.json["error"] == "push_refused" and "Invalid signature" in response.json["message"]
    assert (jobs(), orders()) == (0, 0)


def test_a_tampered_field_breaks_the_signature(client, channel):
    fields = tmc_message("taobao_trade_TradeCreate", TRADE)
    fields["content"] = fields["content"].replace(str(FIRST_TID), "1")

    assert client.post(URL, data=fields).status_code == 401
    assert jobs() == 0


def test_a_message_signed_with_another_secret_or_for_another_app_is_refused(client, channel):
    assert client.post(URL, data=tmc_message("taobao_trade_TradeCreate", TRADE, secret="guess")).status_code == 401
    other_app = tmc_message("taobao_trade_TradeCreate", TRADE, app_key="99999999", secret=DEFAULT_SECRET)
    assert client.post(URL, data=other_app).status_code == 401
    assert jobs() == 0


def test_an_unsigned_message_is_refused(client, channel):
    fields = tmc_message("taobao_trade_TradeCreate", TRADE)
    del fields["sign"]

    assert client.post(URL, data=fields).status_code == 401 and jobs() == 0


def test_an_old_message_replayed_later_is_refused(client, channel):
    old = format_top_time(datetime.now(TOP_TZ) - timedelta(minutes=30))

    response = client.post(URL, data=tmc_message("taobao_trade_TradeCreate", TRADE, timestamp=old))

    assert response.status_code == 401 and "too old" in response.json["message"] and jobs() == 0


def test_a_burst_of_messages_queues_one_sync(client, channel, monkeypatch):
    monkeypatch.setattr("wms.worker._push", lambda app, job_id: None)  # the job waits, as with a busy worker
    first = client.post(URL, data=tmc_message("taobao_trade_TradeCreate", TRADE))
    second = client.post(URL, data=tmc_message("taobao_trade_TradeBuyerPay", TRADE))

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json["already_queued"] is True and second.json["sync_job_id"] == first.json["sync_job_id"]
    assert jobs() == 1


def test_other_topics_are_acknowledged_and_ignored(client, channel):
    response = client.post(URL, data=tmc_message("taobao_item_ItemUpshelf", {"num_iid": 1}))

    assert response.status_code == 200 and response.json["ignored"] is True and jobs() == 0


def test_an_unknown_or_non_taobao_channel_is_404(client, channel):
    make_channel(code="web", platform="manual")

    assert client.post("/api/channels/nope/taobao/push", data=tmc_message("taobao_trade_TradeCreate", TRADE)).status_code == 404
    assert client.post("/api/channels/web/taobao/push", data=tmc_message("taobao_trade_TradeCreate", TRADE)).status_code == 404


def test_the_receiver_needs_no_login_and_no_csrf_token(client, channel, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(URL, data=tmc_message("taobao_trade_TradeClose", TRADE))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 200


def test_the_sandbox_helper_pushes_a_signed_message_over_http(sandbox):
    import threading

    from werkzeug.serving import make_server

    received = []

    def receiver(environ, start_response):
        from werkzeug.wrappers import Request, Response

        received.append(Request(environ).form.to_dict())
        return Response("{\"success\": true}", content_type="application/json")(environ, start_response)

    server = make_server("127.0.0.1", 0, receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        from wms.channels.sandbox.taobao_push import push_tmc_message
        from wms.channels.taobao_protocol import verify_signature

        answer = push_tmc_message(f"http://127.0.0.1:{server.port}/push", "taobao_trade_TradeCreate", TRADE)
    finally:
        server.shutdown()
        thread.join(timeout=5)

    assert answer.status_code == 200 and received[0]["topic"] == "taobao_trade_TradeCreate"
    assert verify_signature(received[0], DEFAULT_SECRET)


def test_the_same_signed_push_sent_again_is_refused_as_a_replay(client, channel):
    fields = tmc_message("taobao_trade_TradeCreate", TRADE)
    assert client.post(URL, data=fields).status_code == 200
    replay = client.post(URL, data=fields)

    assert replay.status_code == 409 and replay.json["error"] == "push_replayed"
    assert db.session.scalar(select(func.count(PushReceipt.id))) == 1


def test_a_message_redelivered_under_a_new_signature_is_acknowledged_without_a_second_sync(client, channel, monkeypatch):
    syncs = _Counter()
    monkeypatch.setattr("wms.channels.services.request_sync", syncs)
    first = client.post(URL, data=tmc_message("taobao_trade_TradeCreate", TRADE, message_id="m-1"))
    again = client.post(URL, data=tmc_message("taobao_trade_TradeCreate", TRADE, message_id="m-1",
                                              sign_method="hmac"))

    assert first.status_code == again.status_code == 200
    assert again.json["duplicate"] is True and syncs.calls == 1


class _Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self, channel_id):
        self.calls += 1
        return type("Job", (), {"id": self.calls})(), True
