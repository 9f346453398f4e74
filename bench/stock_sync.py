"""Stock sync (库存同步) end to end: 20,000 SKUs sold in 5 stores (Shopify, Taobao, JD, Pinduoduo, Douyin, each
its local sandbox over HTTP, served from its own process as under `make run`), one receipt of 1,000 SKUs, then
the ticker's `sync_stock` run and the 5 stores' push jobs side by side as 5 rq workers run them: each on its
own thread of this process (the figure's history), or with `--workers process` each in its own forked process
as rq's work-horse runs a job (no shared interpreter lock; more CPU in all: on a loaded machine the threads
finish first). Prints one JSON line: `stock_sync_s` from the receipt's commit to
every affected store's quantity set in its sandbox (checked by reading each sandbox back), and the calls made
(in all and per store, with each store's push seconds), and the CPU seconds the sync took in this process
(the tick, the push runs, their HTTP clients) and in the sandboxes (the platforms' side, on the same cores
here): on a shared machine they say more than the wall time. The sandboxes keep connections alive as the platforms
do (wms.channels.sandbox.KeepAliveHandler, as `make run` serves them).
The ticker runs `sync_stock` every 5 s (wms/schedule.py), so in production add up to one tick of waiting.

    .venv/bin/python bench/stock_sync.py [--skus 20000] [--received 1000] [--db URL]
"""
import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._db import bench_app  # noqa: E402

PER_GOODS = 100  # Pinduoduo: SKUs per goods in the sandbox


class Forked:
    """A sandbox app served by a forked child process (its state seeded here first, copied by the fork)."""

    def __init__(self, module, state):
        import multiprocessing
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.module, self.state, self.base_url = module, state, f"http://127.0.0.1:{port}"
        self.process = multiprocessing.get_context("fork").Process(target=_serve, args=(module, state, port), daemon=True)

    def start(self):
        import requests

        self.process.start()
        for _ in range(200):
            try:
                requests.get(self.base_url + "/_sandbox/none", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("sandbox did not start")

    def cpu_s(self):
        """CPU seconds the sandbox's process has used (Linux /proc; None elsewhere)."""
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, AttributeError):
            return None

    def stop(self):
        self.process.terminate()
        self.process.join(5)


def _serve(module, state, port):
    from werkzeug.serving import make_server

    from wms.channels.sandbox import KeepAliveHandler

    make_server("127.0.0.1", port, module.create_app(state), threaded=True, request_handler=KeepAliveHandler).serve_forever()


def start_sandboxes(n):
    from wms.channels.sandbox import douyin, jd, pdd, shopify, shopify_store, taobao, taobao_store

    boxes = {"shopify": Forked(shopify, shopify_store.ShopifyStore(seed=False)), "taobao": Forked(taobao, taobao_store.TopStore(seed=False)),
             "jd": Forked(jd, jd.JdStore(seed=False)), "pdd": Forked(pdd, pdd.PddStore(seed=False)),
             "douyin": Forked(douyin, douyin.DouyinStore(seed=False))}
    keys = {name: [] for name in boxes}
    for i in range(n):
        item = boxes["shopify"].state.add_variant(4_300_000_000 + i)
        keys["shopify"].append(str(item))
        boxes["taobao"].state.add_item(700_000_000_000 + i, 5_000_000_000_000 + i, f"B{i:05d}", 0)
        keys["taobao"].append(f"tb-{700_000_000_000 + i}-{5_000_000_000_000 + i}")
        boxes["jd"].state.stock[str(100_020_000_000 + i)] = 0
        keys["jd"].append(str(100_020_000_000 + i))
        keys["douyin"].append(f"dy-{3_600_000_000 + i}-{1_800_000_000 + i}")
        boxes["douyin"].state.stock[keys["douyin"][-1]] = 0
    goods = boxes["pdd"].state.goods
    for g in range(0, n, PER_GOODS):
        skus = [{"sku_id": 900_000_000 + i, "spec": "", "outer_id": "", "outer_goods_id": "", "sku_quantity": 0,
                 "is_sku_onsale": 1, "reserve_quantity": 0, "resource_slot": False} for i in range(g, min(n, g + PER_GOODS))]
        goods.append({"goods_id": 800_000 + g, "goods_name": f"goods {g}", "is_onsale": 1, "is_more_sku": 1,
                      "goods_quantity": 0, "goods_reserve_quantity": 0, "sku_list": skus})
        keys["pdd"] += [f"pdd-{800_000 + g}-{s['sku_id']}" for s in skus]
    return {name: box.start() for name, box in boxes.items()}, keys


def channel_settings(name, box):
    from wms.channels.sandbox import douyin, jd, pdd, shopify_inventory, shopify_store, taobao_store

    if name == "shopify":
        return {"base_url": box.base_url, "access_token": shopify_store.DEFAULT_TOKEN,
                "location_id": shopify_inventory.LOCATION_ID}
    if name == "taobao":
        return {"gateway_url": box.base_url, "app_key": taobao_store.DEFAULT_APP_KEY, "app_secret": taobao_store.DEFAULT_SECRET,
                "session": taobao_store.DEFAULT_SESSION}
    if name == "jd":
        return {"gateway_url": box.base_url, "app_key": jd.DEFAULT_APP_KEY, "app_secret": jd.DEFAULT_SECRET,
                "access_token": jd.DEFAULT_TOKEN}
    if name == "pdd":
        return {"gateway_url": box.base_url, "client_id": pdd.DEFAULT_CLIENT_ID, "client_secret": pdd.DEFAULT_SECRET,
                "access_token": pdd.DEFAULT_TOKEN}
    return {"gateway_url": box.base_url, "app_key": douyin.DEFAULT_APP_KEY, "app_secret": douyin.DEFAULT_SECRET,
            "access_token": douyin.DEFAULT_TOKEN}


def seed(n, boxes, keys):
    from sqlalchemy import insert, select

    from wms.catalog.models import Sku
    from wms.channels.mapping_models import SkuMapping
    from wms.extensions import db
    from wms.inventory.models import Bin, Warehouse
    from wms.orders.models import Channel

    db.session.execute(insert(Sku), [{"code": f"B{i:05d}", "name": f"bench {i}"} for i in range(n)])
    sku_ids = list(db.session.scalars(select(Sku.id).order_by(Sku.id)))
    channels = {}
    for name, box in boxes.items():
        channel = Channel(code=f"bench-{name}", name=name, platform=name, settings=channel_settings(name, box))
        db.session.add(channel)
        db.session.flush()
        channels[name] = channel.id
        db.session.execute(insert(SkuMapping), [{"channel_id": channel.id, "platform_sku": key, "sku_id": sku_id}
                                                for key, sku_id in zip(keys[name], sku_ids)])
    warehouse = Warehouse(code="BW", name="bench")
    db.session.add(warehouse)
    db.session.flush()
    bin_ = Bin(warehouse_id=warehouse.id, code="A-01-01-1", barcode="BW-A", aisle=0)
    db.session.add(bin_)
    db.session.commit()
    return sku_ids, warehouse.id, bin_.id, channels


def sandbox_quantities(name, box):
    """{platform SKU key: quantity} read back from the sandbox over HTTP."""
    import requests

    if name == "shopify":
        return requests.get(f"{box.base_url}/_sandbox/inventory").json()["levels"]
    if name == "taobao":
        items = requests.get(f"{box.base_url}/_sandbox/stock").json()["items"]
        return {f"tb-{num_iid}-{sku_id}": qty for num_iid, item in items.items() for sku_id, qty in item["skus"].items()}
    return requests.get(f"{box.base_url}/_sandbox/stock").json()["stock"]  # jd, pdd (keyed pdd-<goods>-<sku>), douyin


def _worker(app, channel_id, pushes):
    """One rq worker running the store's push job; its summary and seconds go into `pushes`."""
    from wms.channels import stock_sync
    from wms.extensions import db

    with app.app_context():
        started = time.perf_counter()
        summary = stock_sync.push_channel(channel_id)
        pushes[channel_id] = {"calls": summary["calls"], "pushed": summary["pushed"], "refused": summary["refused"],
                              "s": round(time.perf_counter() - started, 2)}
        db.session.remove()


def _horse(app, channel_id, answers):
    """rq's work-horse: a forked process running the one job; like wms.run_worker it drops (without closing)
    the database connections it inherited, so it opens its own."""
    from wms.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)
    pushes = {}
    _worker(app, channel_id, pushes)
    answers.put(pushes)


def run_pushes(app, channel_ids, workers):
    """Each store's push job side by side; {channel_id: summary}."""
    pushes = {}
    if workers == "thread":
        threads = [threading.Thread(target=_worker, args=(app, channel_id, pushes)) for channel_id in channel_ids]
    else:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        answers = context.Queue()
        threads = [context.Process(target=_horse, args=(app, channel_id, answers)) for channel_id in channel_ids]
    for worker in threads:
        worker.start()
    if workers != "thread":
        for _ in threads:
            pushes.update(answers.get(timeout=600))
    for worker in threads:
        worker.join()
    return pushes


def children_cpu_s():
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=20_000)
    parser.add_argument("--received", type=int, default=1_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--workers", choices=("thread", "process"), default="thread",
                        help="the push jobs as threads of this process or as forked processes (rq's work-horses)")
    args = parser.parse_args(argv)
    app, label, cleanup = bench_app(args.db)
    boxes, keys = start_sandboxes(args.skus)
    try:
        with app.app_context():
            from wms.channels import stock_sync
            from wms.inventory.services import receive_stock

            started = time.perf_counter()
            sku_ids, warehouse_id, bin_id, channels = seed(args.skus, boxes, keys)
            seeded_s = time.perf_counter() - started
            chosen = list(range(0, args.skus, max(1, args.skus // args.received)))[:args.received]
            started = time.perf_counter()
            receive_stock(warehouse_id, [(sku_ids[i], bin_id, 5 + i % 7) for i in chosen])
            received_s = time.perf_counter() - started
            app.config.update(RQ_SYNC=False, REDIS_URL="redis://127.0.0.1:1/0")  # jobs stay rows: run below
            boxes_cpu = {name: box.cpu_s() for name, box in boxes.items()}
            started, client_cpu = time.perf_counter(), time.process_time() + children_cpu_s()
            collected = stock_sync.collect_marks()  # the tick
            collect_s = time.perf_counter() - started
            pushes = run_pushes(app, collected["enqueued"], args.workers)
            sync_s = time.perf_counter() - started
            client_cpu = time.process_time() + children_cpu_s() - client_cpu
            boxes_cpu = {name: (None if boxes_cpu[name] is None or box.cpu_s() is None else box.cpu_s() - boxes_cpu[name])
                         for name, box in boxes.items()}
            told = {name: sandbox_quantities(name, box) for name, box in boxes.items()}
            wrong = [(name, keys[name][i]) for name in boxes for i in chosen
                     if told[name].get(keys[name][i]) != 5 + i % 7]
            print(json.dumps({"bench": "stock_sync", "db": label, "workers": args.workers, "skus": args.skus, "channels": len(boxes),
                              "received_skus": len(chosen), "seed_s": round(seeded_s, 2), "receipt_s": round(received_s, 3),
                              "stock_sync_s": round(sync_s, 2), "collect_s": round(collect_s, 2), "rows_made_due": collected["rows"],
                              "stores_updated": len(boxes) - len({n for n, _k in wrong}), "wrong_quantities": len(wrong),
                              "within_10s": sync_s <= 10 and not wrong, "ticker_interval_s": 5,
                              "calls": sum(p["calls"] for p in pushes.values()),
                              "cpu_s": {"wms": round(client_cpu, 2), "sandboxes": round(sum(v or 0 for v in boxes_cpu.values()), 2)},
                              "per_store": {name: pushes.get(channel_id) for name, channel_id in channels.items()}}))
    finally:
        for box in boxes.values():
            box.stop()
        cleanup()


if __name__ == "__main__":
    main()
