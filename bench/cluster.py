"""Start a small WMS cluster on this machine: N web processes (eventlet), M rq workers and an nginx
sticky-session proxy, all on one database and one Redis. Used by bench/scale.py and the
scale-out tests; also handy by hand:

    .venv/bin/python bench/cluster.py --db postgresql://postgres@127.0.0.1:5432/wms --redis redis://127.0.0.1:6379/5
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream wms_web {{
        hash $remote_addr consistent;
{servers}
    }}
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://wms_web;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """Processes started by start(), all stopped by stop() (also on errors: use `with`)."""

    def __init__(self, db_url, redis_url, web=2, workers=2, proxy=True, secret="cluster-secret-long-enough-for-production", extra_env=None):
        self.db_url, self.redis_url, self.secret = db_url, redis_url, secret
        self.n_web, self.n_workers, self.with_proxy = web, workers, proxy
        self.extra_env = extra_env or {}
        self.dir = Path(tempfile.mkdtemp(prefix="wms-cluster-"))
        self.web_ports, self.processes, self.proxy_port = [], [], None

    def env(self, **more):
        return dict(os.environ, WMS_ENV="production", SECRET_KEY=self.secret, DATABASE_URL=self.db_url,
                    REDIS_URL=self.redis_url, SOCKETIO_MESSAGE_QUEUE=self.redis_url, SOCKETIO_ASYNC_MODE="eventlet",
                    SESSION_COOKIE_SECURE="0", ALLOW_INSECURE_COOKIES="1", LOG_LEVEL="WARNING", WMS_INSTANCE_DIR=str(self.dir),
                    TRUSTED_PROXIES="1" if self.with_proxy else "0", **self.extra_env, **more)

    def start(self):
        for n in range(self.n_web):
            port = free_port()
            self.web_ports.append(port)
            self._spawn(f"web{n + 1}", [sys.executable, "app.py"], self.env(PORT=str(port)))
        for n in range(self.n_workers):
            self._spawn(f"worker{n + 1}", [sys.executable, "-m", "wms.run_worker"], self.env())
        for port in self.web_ports:
            wait_healthy(f"http://127.0.0.1:{port}")
        if self.with_proxy:
            self._start_proxy()
        return self

    def _spawn(self, name, argv, env):
        log = open(self.dir / f"{name}.log", "w")
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        process.name = name
        self.processes.append(process)

    def _start_proxy(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proxy_port = free_port()
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / folder).mkdir(exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{port};" for port in self.web_ports)
        conf = self.dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(prefix=self.dir, servers=servers, port=self.proxy_port))
        self._spawn("nginx", [nginx, "-c", str(conf), "-p", str(self.dir)], dict(os.environ))
        wait_healthy(f"http://127.0.0.1:{self.proxy_port}")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.proxy_port or self.web_ports[0]}"

    def web_url(self, n):
        return f"http://127.0.0.1:{self.web_ports[n]}"

    def pids(self, prefix):
        return [p.pid for p in self.processes if p.name.startswith(prefix)]

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.time() + 15
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def logs(self):
        return {p.name: (self.dir / f"{p.name}.log").read_text()[-3000:] for p in self.processes}

    def __enter__(self):
        try:
            return self.start()
        except Exception:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


def wait_healthy(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not become healthy")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--web", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with Cluster(args.db, args.redis, args.web, args.workers) as cluster:
        print(f"proxy {cluster.url}, web {cluster.web_ports}; Ctrl-C stops", flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
