"""Tracking numbers written back to the sales channel over real HTTP (Shopify sandbox), with retries."""
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from tests.builders_channels import make_shopify_channel
from tests.builders_handover import labelled_orders, make_carrier, shipped_orders
from wms.channels.sandbox.shopify import start_in_thread
from wms.channels.sandbox.shopify_seed import FIRST_ID
from wms.extensions import db
from wms.timeutil import utcnow
from wms.tracking import writeback
from wms.tracking.models import WB_DONE, WB_FAILED, WritebackTask


@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


def pushed(sandbox):
    return requests.get(f"{sandbox.base_url}/_sandbox/fulfillments").json()["fulfillments"]


def task():
    db.session.expire_all()
    return db.session.scalar(select(WritebackTask))


def test_closing_the_manifest_writes_the_tracking_number_back(app, sandbox):
    make_carrier("SF", "顺丰速运")
    _orders, parcels = shipped_orders(1, channel=make_shopify_channel(sandbox.base_url),
                                      external_ids=[str(FIRST_ID)])
    fulfilments = pushed(sandbox)
    assert len(fulfilments) == 1
    assert fulfilments[0]["tracking_number"] == parcels[0].tracking_number
    assert fulfilments[0]["tracking_company"] == "顺丰速运"
    assert task().status == WB_DONE and task().trigger == "handover"


def test_a_virtual_shipping_channel_is_told_at_label_time_and_not_again_at_handover(app, sandbox):
    make_carrier("SF")
    channel = make_shopify_channel(sandbox.base_url)
    channel.virtual_shipping = True
    db.session.commit()
    orders, parcels = labelled_orders(1, channel=channel, external_ids=[str(FIRST_ID)])
    writeback.on_label_created(orders[0].id, parcels[0].tracking_number, "SF")
    assert len(pushed(sandbox)) == 1 and task().trigger == "label"
    from wms.handover import services

    manifest = services.open_manifest("SF")
    services.scan_parcel(manifest.id, parcels[0].tracking_number)
    services.close_manifest(manifest.id)
    assert len(pushed(sandbox)) == 1


def test_a_channel_without_virtual_shipping_is_not_told_at_label_time(app, sandbox):
    make_carrier("SF")
    orders, parcels = labelled_orders(1, channel=make_shopify_channel(sandbox.base_url), external_ids=[str(FIRST_ID)])
    assert writeback.on_label_created(orders[0].id, parcels[0].tracking_number, "SF") is None
    assert pushed(sandbox) == []


def test_a_failed_write_back_is_visible_and_retried_with_backoff_until_it_succeeds(app, sandbox):
    make_carrier("SF")
    requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"status": 503, "count": 2})
    shipped_orders(1, channel=make_shopify_channel(sandbox.base_url), external_ids=[str(FIRST_ID)])
    first = task()
    assert first.status == WB_FAILED and first.attempts == 1 and "503" in first.last_error
    assert first.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert writeback.retry_due_writebacks() == 0  # not due yet
    assert writeback.retry_due_writebacks(now=utcnow() + timedelta(seconds=61)) == 1
    second = task()
    assert second.status == WB_FAILED and second.attempts == 2
    assert second.next_attempt_at > utcnow() + timedelta(seconds=110)  # doubled
    writeback.retry_due_writebacks(now=utcnow() + timedelta(minutes=5))
    assert task().status == WB_DONE and task().attempts == 3 and task().last_error == ""
    assert len(pushed(sandbox)) == 1
    assert writeback.open_writebacks() == []


def test_after_the_last_attempt_it_waits_for_a_person_who_can_retry(app, sandbox, monkeypatch):
    make_carrier("SF")
    monkeypatch.setattr(writeback, "MAX_ATTEMPTS", 1)
    channel = make_shopify_channel(sandbox.base_url, token="wrong")
    orders, _parcels = shipped_orders(1, channel=channel, external_ids=[str(FIRST_ID)])
    assert task().next_attempt_at is None and "401" in task().last_error
    assert writeback.retry_due_writebacks(now=utcnow() + timedelta(days=1)) == 0
    channel.settings = {**channel.settings, "access_token": "shpat_sandbox"}
    db.session.commit()
    writeback.retry_writeback(task().id, actor="boss")
    assert task().status == WB_DONE


def test_pushing_a_done_task_again_does_nothing(app, sandbox):
    make_carrier("SF")
    shipped_orders(1, channel=make_shopify_channel(sandbox.base_url), external_ids=[str(FIRST_ID)])
    assert writeback.push_writeback(task().id) == "skipped"
    assert len(pushed(sandbox)) == 1


def test_manual_channels_get_no_write_back(app):
    make_carrier("SF")
    shipped_orders(1)
    assert task() is None
