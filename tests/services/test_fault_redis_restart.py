"""Fault test: Redis restarts without its data in the middle of a burst of seals, under a real
worker process (`python -m wms.run_worker`), and every parcel still gets exactly one waybill.

The Redis is a real `redis-server` without persistence (tests/redis_servers.py): killed, it loses
every queued job; jobs sealed while it is down wait as pending rows. The worker has to outlive the
outage and the outbox sweep has to push again what Redis forgot. Run alone: `pytest -m fault`.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders_packing import make_carrier, picked_order
from tests.redis_servers import RedisServer
from wms.extensions import db
from wms.shipping import waybills
from wms.shipping.carriers.sandbox import Sandbox
from wms.shipping.models import Parcel
from wms.worker import QueuedJob

ROOT = Path(__file__).resolve().parents[2]
PARCELS = 36


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.kill()


@pytest.fixture
def sandbox():
    box = Sandbox(delay_s=0.02).start()
    yield box
    box.stop()


def start_worker(app, redis_url, tmp_path):
    env = dict(os.environ, WMS_ENV="development", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=redis_url, SOCKETIO_MESSAGE_QUEUE="", SECRET_KEY="test", LOG_LEVEL="WARNING",
               PYTHONPATH=str(ROOT), UPLOAD_DIR=str(tmp_path / "uploads"),
               JOB_REQUEUE_SECONDS="3", OUTBOX_SWEEP_SECONDS="1")
    log = open(tmp_path / "worker.log", "wb")
    return subprocess.Popen([sys.executable, "-m", "wms.run_worker"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop_worker(worker):
    if worker.poll() is None:
        os.killpg(worker.pid, 15)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, 9)
            worker.wait(timeout=10)


def seal(order):
    return waybills.seal_parcel(order.id, seal_uuid=f"seal-{order.id}", station_code="PS-1", carton_code="C2",
                                weight_g=900).id


def wait_for(condition, worker, what, seconds=90):
    deadline = time.monotonic() + seconds
    while not condition():
        assert worker.poll() is None, f"the worker exited while waiting for {what}"
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def labelled(parcel_ids):
    db.session.expire_all()
    return {p.id: p.tracking_number for p in db.session.query(Parcel).filter(Parcel.id.in_(parcel_ids))
            if p.tracking_number}


@pytest.mark.fault
def test_every_parcel_sealed_around_a_redis_restart_that_lost_its_data_gets_exactly_one_waybill(
        app, redis_server, sandbox, tmp_path):
    make_carrier("SF", settings=sandbox.settings(timeout_s=5))
    orders = [picked_order(external_id=f"F{n:03}") for n in range(PARCELS)]
    db.session.commit()
    app.config.update(RQ_SYNC=False, REDIS_URL=redis_server.url)
    worker = start_worker(app, redis_server.url, tmp_path)
    try:
        wait_for(lambda: redis_server.client().smembers("rq:workers"), worker, "the worker to start")
        parcel_ids = [seal(order) for order in orders[:PARCELS // 2]]   # pushed to Redis
        wait_for(lambda: len(labelled(parcel_ids)) >= 2, worker, "the worker to get going")
        redis_server.kill()                                              # ... which dies with the rest
        parcel_ids += [seal(order) for order in orders[PARCELS // 2:PARCELS * 3 // 4]]  # Redis down: pending
        redis_server.start()                                             # back, empty
        parcel_ids += [seal(order) for order in orders[PARCELS * 3 // 4:]]

        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and len(labelled(parcel_ids)) < PARCELS and worker.poll() is None:
            time.sleep(0.5)
        numbers = labelled(parcel_ids)
        assert worker.poll() is None, "the worker exited"
    finally:
        stop_worker(worker)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert len(numbers) == PARCELS, f"{PARCELS - len(numbers)} parcels have no waybill; worker log:\n{log[-3000:]}"
    assert "could not connect to Redis" in log or "redis unreachable" in log  # it did live through the outage
    assert len(set(numbers.values())) == PARCELS
    created = {number: waybill["orderId"] for number, waybill in sandbox.waybills.items()}
    assert len(created) == PARCELS  # the carrier made one waybill per parcel, not one more
    assert {created[number] for number in numbers.values()} == {f"P{parcel_id}" for parcel_id in parcel_ids}
    rows = db.session.query(QueuedJob).filter(QueuedJob.func == "wms.shipping.jobs.request_waybill").all()
    assert len(rows) == PARCELS and {row.status for row in rows} == {"done"}


def note_done(path):
    """A job that leaves a file behind (imported by name in the worker)."""
    Path(path).write_text("done")


@pytest.mark.fault
def test_a_worker_started_while_redis_is_down_waits_for_it_and_then_works(app, tmp_path):
    from wms import aftercommit
    from wms.worker import enqueue

    server = RedisServer(tmp_path / "redis")  # not started yet
    db.session.commit()
    worker = start_worker(app, server.url, tmp_path)
    log = tmp_path / "worker.log"
    try:
        wait_for(lambda: "redis unreachable" in log.read_text(errors="replace"), worker, "the worker to notice")
        server.start()
        app.config.update(RQ_SYNC=False, REDIS_URL=server.url)
        marker = tmp_path / "done.txt"
        job = enqueue(note_done, str(marker))
        aftercommit.commit()
        wait_for(marker.exists, worker, "the job to run")
        wait_for(lambda: db.session.get(QueuedJob, job.id).status == "done" or db.session.expire_all(), worker,
                 "the job row to be done")
        assert "redis reachable again" in log.read_text(errors="replace")
    finally:
        stop_worker(worker)
        server.kill()
