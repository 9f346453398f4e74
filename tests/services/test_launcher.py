"""`make run`'s launcher keeps the web server and the worker running: a child that dies is started
again (with a growing pause while it keeps dying), the others keep running, and a stop ends them all."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from wms.supervise import Program, Supervisor

ROOT = Path(__file__).resolve().parents[2]

LAUNCH_WITH_DUMMIES = """
import sys
import wms.launcher as launcher
from wms.supervise import Program

sleep = "import time; time.sleep(600)"
launcher._flask = lambda *args, env: None          # no migration, no seed
launcher.programs = lambda env, cli_env, workers=1: [Program("web", [sys.executable, "-c", sleep, "dummy-web"], env=env),
                                                    Program("worker", [sys.executable, "-c", sleep, "dummy-worker"], env=cli_env)]
launcher.main()
"""


def children(pid):
    """{argv marker: pid} of the launcher's dummy children."""
    out = subprocess.run(["ps", "-ww", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        child, _, args = line.strip().partition(" ")
        for marker in ("dummy-web", "dummy-worker"):
            if args.endswith(marker):
                found[marker] = int(child)
    return found


def both_children(pid, not_worker=None):
    found = children(pid)
    return found if len(found) == 2 and found["dummy-worker"] != not_worker else None


def wait_for(condition, what, seconds=60):
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)
    return value


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")


def test_a_killed_worker_is_started_again_by_the_launcher_and_the_web_server_keeps_running(tmp_path):
    env = dict(os.environ, WMS_ENV="development", REDIS_URL="redis://127.0.0.1:1/0", DEMO_SANDBOXES="0",
               SEED_DEMO="0", SECRET_KEY="test", PYTHONPATH=str(ROOT))
    log = tmp_path / "launcher.log"
    with open(log, "wb") as out:
        launcher = subprocess.Popen([sys.executable, "-c", LAUNCH_WITH_DUMMIES], cwd=ROOT, env=env,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        first = wait_for(lambda: both_children(launcher.pid), "both children")
        os.kill(first["dummy-worker"], signal.SIGKILL)
        again = wait_for(lambda: both_children(launcher.pid, not_worker=first["dummy-worker"]),
                         "the worker to be started again")
        assert again["dummy-web"] == first["dummy-web"]  # the web server was left alone
        assert launcher.poll() is None
        text = log.read_text()
        assert "worker exited with code -9" in text and "worker started again" in text
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=30) == 0
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
    assert not any(alive(pid) for pid in again.values())  # a stop ends every child


class FakeProgram(Program):
    """A child whose death the test decides."""

    def start(self, now):
        self.started_at, self.restart_at, self.up = now, None, True
        self.process = type("Exited", (), {"returncode": 1, "pid": 1})()

    def running(self):
        return self.up


def test_a_child_that_keeps_dying_is_started_again_after_a_growing_pause_reset_once_it_stays_up():
    now = [0.0]
    lines = []
    worker = FakeProgram("worker", [])
    supervisor = Supervisor([worker], first_pause=1, longest_pause=8, stable_after=60, clock=lambda: now[0],
                            log=lines.append)
    supervisor.start()
    pauses = []
    for _ in range(5):
        worker.up = False
        supervisor.check()
        pauses.append(worker.restart_at - now[0])
        now[0] = worker.restart_at
        supervisor.check()
        assert worker.up and worker.restart_at is None
    assert pauses == [1, 2, 4, 8, 8]
    now[0] += 61  # stayed up
    worker.up = False
    supervisor.check()
    assert worker.restart_at - now[0] == 1
    assert worker.restarts == 5 and "worker exited with code 1" in lines[0]


def test_the_embedded_redis_is_started_again_on_the_same_socket_with_its_saved_data_when_it_dies(tmp_path):
    from redis import Redis

    from wms.launcher import EmbeddedRedis

    redis = EmbeddedRedis(tmp_path / "instance").start()
    try:
        url = redis.url
        redis.server.set("kept", "yes")
        redis.server.save()
        os.kill(redis.server.pid, signal.SIGKILL)
        wait_for(lambda: not redis.alive(), "redis to die")
        redis.check(now=1000.0)
        assert redis.url == url and redis.alive()
        assert Redis.from_url(url).get("kept") == b"yes"  # the children's REDIS_URL still works
    finally:
        redis.shutdown()


def test_make_run_supervises_the_web_server_and_as_many_rq_workers_as_configured():
    import wms.launcher as launched
    from config.settings import DevelopmentConfig

    children = launched.programs({}, {}, workers=4)
    assert [child.name for child in children] == ["web", "worker-1", "worker-2", "worker-3", "worker-4"]
    assert all(child.argv[-1] == "wms.run_worker" for child in children[1:])
    assert [child.name for child in launched.programs({}, {})] == ["web", "worker"]
    assert DevelopmentConfig.WORKERS == int(os.environ.get("WMS_WORKERS", 5))
