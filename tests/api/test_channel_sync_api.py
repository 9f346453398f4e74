"""Sync now / sync status over HTTP: supervisors only, one queued sync per channel, the job runs."""
import pytest
from sqlalchemy import func, select

from tests.builders import make_channel
from tests.builders_channels import make_shopify_channel
from wms.channels import jobs, services
from wms.channels.sandbox.shopify import start_in_thread
from wms.extensions import db
from wms.orders.models import Order
from wms.worker import QueuedJob


@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


def test_sync_now_runs_the_job_and_the_status_shows_it(client, login, sandbox):
    channel = make_shopify_channel(sandbox.base_url)
    login("supervisor")

    started = client.post(f"/api/channels/{channel.id}/sync")
    status = client.get(f"/api/channels/{channel.id}/sync").get_json()

    assert started.status_code == 202 and started.get_json()["already_queued"] is False
    assert status["job"]["status"] == "done" and status["cursor"] == "2026-11-20T03:20:00+00:00"
    assert status["last_synced_at"] is not None and status["running"] is False
    assert db.session.scalar(select(func.count(Order.id))) == 10


def test_a_second_sync_now_while_one_is_queued_gets_the_same_job(app, client, login, sandbox):
    app.config["RQ_SYNC"] = False  # no worker and no Redis: the first job stays pending
    app.config["REDIS_URL"] = None
    channel = make_shopify_channel(sandbox.base_url)
    login("admin")

    first = client.post(f"/api/channels/{channel.id}/sync").get_json()
    second = client.post(f"/api/channels/{channel.id}/sync").get_json()

    assert second == {**first, "already_queued": True}
    assert db.session.scalar(select(func.count(QueuedJob.id))) == 1


def test_a_failed_sync_shows_its_error_in_the_status(client, login, sandbox):
    channel = make_shopify_channel(sandbox.base_url, token="wrong")
    login("supervisor")

    client.post(f"/api/channels/{channel.id}/sync")
    status = client.get(f"/api/channels/{channel.id}/sync").get_json()

    assert status["job"]["status"] == "failed"
    assert "refused the access token" in status["job"]["last_error"]
    assert status["cursor"] is None and status["last_synced_at"] is None


@pytest.mark.parametrize("role", ["reviewer", "picker", "packer"])
def test_only_supervisors_and_admins_may_sync(client, login, role, sandbox):
    channel = make_shopify_channel(sandbox.base_url)
    login(role)

    response = client.post(f"/api/channels/{channel.id}/sync")

    assert response.status_code == 403
    assert db.session.scalar(select(func.count(QueuedJob.id))) == 0


def test_syncing_a_manual_channel_is_refused_clearly(client, login):
    channel = make_channel(code="excel")
    login("supervisor")

    response = client.post(f"/api/channels/{channel.id}/sync")

    assert response.status_code == 422 and "manual" in response.get_json()["message"]


def test_the_sync_page_shows_the_status_and_its_button_queues_a_sync(client, login, sandbox):
    channel = make_shopify_channel(sandbox.base_url)
    login("supervisor")

    posted = client.post(f"/channels/{channel.id}/sync", follow_redirects=True)

    assert posted.status_code == 200
    assert "2026-11-20T03:20:00+00:00" in posted.get_data(as_text=True)


def test_the_schedule_queues_only_due_active_platform_channels(app, sandbox):
    app.config["RQ_SYNC"] = False
    app.config["REDIS_URL"] = None
    due = make_shopify_channel(sandbox.base_url, code="due")
    make_shopify_channel(sandbox.base_url, code="off").active = False
    make_channel(code="manual")
    db.session.commit()

    assert jobs.sync_due_channels() == [due.id]
    assert jobs.sync_due_channels() == []  # already queued: not twice
    assert services.open_sync_job(due.id).args == [due.id]
