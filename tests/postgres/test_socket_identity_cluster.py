"""Identity per event across processes (production config, eventlet, Redis message queue): a user
deactivated through one web process has their socket on the other told why and closed; a login
ended behind the servers' backs (no push) is found by the sweep within seconds."""
import re
import threading

import requests

from bench.cluster import Cluster
from tests.builders import make_user
from tests.postgres import needs_postgres
from tests.postgres.test_scale_out import CLUSTER_SECRET, _cluster_key, _listen, redis_url, released_task  # noqa: F401
from wms.admin import services as admin_services
from wms.auth.services import issue_handheld_token, register_device

pytestmark = needs_postgres


def _admin_session(base):
    session = requests.Session()
    page = session.get(f"{base}/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(f"{base}/login", data={"username": "root", "password": "secret-pass", "csrf_token": token})
    assert response.status_code in (200, 302) and "login" not in response.url
    return session


def _closing(handheld):
    closed = threading.Event()
    handheld.on("disconnect", lambda *_args: closed.set())
    return closed


def test_deactivating_through_one_process_closes_the_socket_on_the_other(app, released_task, redis_url):
    _task, picker = released_task
    make_user("admin", "root")
    token = issue_handheld_token(picker, register_device("dev-r", user=picker))
    with Cluster(app.config["SQLALCHEMY_DATABASE_URI"], redis_url, web=2, workers=1, proxy=False,
                 secret=CLUSTER_SECRET) as cluster:
        handheld, received, arrived = _listen(cluster.web_url(1), token, "session.revoked")
        closed = _closing(handheld)
        try:
            admin = _admin_session(cluster.web_url(0))
            page = admin.get(f"{cluster.web_url(0)}/admin/users/{picker.id}").text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            admin.post(f"{cluster.web_url(0)}/admin/users/{picker.id}/active", data={"active": "0", "csrf_token": csrf})
            assert arrived.wait(15), cluster.logs()
            assert received[0]["reason"] == "deactivated"
            assert closed.wait(15), cluster.logs()
        finally:
            handheld.disconnect()


def test_a_login_ended_without_a_push_is_closed_by_the_sweep(app, released_task, redis_url):
    _task, picker = released_task
    make_user("admin", "root")
    token = issue_handheld_token(picker, register_device("dev-s", user=picker))
    with Cluster(app.config["SQLALCHEMY_DATABASE_URI"], redis_url, web=1, workers=1, proxy=False,
                 secret=CLUSTER_SECRET, extra_env={"SOCKET_IDENTITY_SWEEP_SECONDS": "1"}) as cluster:
        handheld, received, arrived = _listen(cluster.web_url(0), token, "session.revoked")
        closed = _closing(handheld)
        try:
            admin_services.set_pin(picker.id, "730194")  # here: its push never reaches the cluster
            assert arrived.wait(15) and closed.wait(15), cluster.logs()
            assert received[0]["reason"] == "pin_reset"
        finally:
            handheld.disconnect()
