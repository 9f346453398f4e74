"""Two copies of one signed Taobao push arriving at the same moment on PostgreSQL: one is taken,
the other is refused as a replay (the receipts' unique key decides, not the look-up before it)."""
import threading

from sqlalchemy import func, select

from tests.builders_taobao import make_taobao_channel
from tests.postgres import needs_postgres
from tests.postgres.test_allocation_races import Rendezvous
from wms.channels import taobao_push
from wms.channels.models import PushReceipt
from wms.channels.sandbox.taobao_push import tmc_message
from wms.errors import DomainError
from wms.extensions import db

pytestmark = needs_postgres


def test_the_same_push_twice_at_once_is_taken_once_and_refused_once(app, monkeypatch):
    make_taobao_channel("http://127.0.0.1:9")
    monkeypatch.setattr("wms.channels.services.request_sync", lambda channel_id: (type("Job", (), {"id": 1})(), True))
    fields = tmc_message("taobao_trade_TradeCreate", {"tid": 1, "status": "WAIT_SELLER_SEND_GOODS"})
    names = ("first", "second")
    rendezvous = Rendezvous(db.engine, {name: lambda sql: sql.startswith("INSERT INTO push_receipts") for name in names})
    outcomes = {}

    def receive(name):
        with app.app_context():
            try:
                outcomes[name] = taobao_push.receive_push("tmall", dict(fields))["success"]
            except DomainError as error:
                outcomes[name] = error.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=receive, args=(name,), name=name) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    rendezvous.close()

    assert sorted(map(str, outcomes.values())) == ["True", "push_replayed"]
    assert db.session.scalar(select(func.count(PushReceipt.id))) == 1
