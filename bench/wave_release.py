"""1,000 approved orders -> allocated, batched, routed, tasks written. Prints one JSON line.

    .venv/bin/python bench/wave_release.py [--orders 1000] [--kits 50] [--db postgresql://postgres@127.0.0.1:5432/postgres]

With kits (组合装, the default: 50 kits of 2-3 of the 500 SKUs) an order's lines sell a kit one time
in ten, allocated and picked as its components; `--kits 0` seeds exactly the orders of the runs before
kits, for comparison.

Keys: db, orders, lines, tasks, allocate_seconds, wave_seconds, seconds (allocate + wave).
"""
import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._db import bench_app  # noqa: E402


def seed(n_orders, rng, n_kits=0):
    from sqlalchemy import insert, select

    from wms.catalog.models import Sku, SkuKitComponent
    from wms.orders.models import Channel
    from wms.extensions import db
    from wms.inventory.models import Bin, StockItem, Warehouse
    from wms.inventory.services import generate_demo_layout
    from wms.orders.models import Order, OrderLine

    warehouse = Warehouse(code="BENCH", name="Bench", n_aisles=12, n_blocks=1, aisle_length_m=30.0)
    channel = Channel(code="bench", name="Bench")
    db.session.add_all([warehouse, channel])
    db.session.commit()
    generate_demo_layout(warehouse.id, levels=2)
    bins = db.session.scalars(select(Bin.id).where(Bin.warehouse_id == warehouse.id)).all()
    db.session.execute(insert(Sku), [{"code": f"B-{i:04d}", "name": f"商品 {i}", "weight_g": 300,
                                      "length_mm": 100, "width_mm": 80, "height_mm": 50} for i in range(500)])
    skus = db.session.scalars(select(Sku.id).order_by(Sku.id)).all()
    chosen = rng.sample(bins, len(skus))
    db.session.execute(insert(StockItem), [{"bin_id": b, "sku_id": s, "on_hand": 10_000, "reserved": 0}
                                           for b, s in zip(chosen, skus)])
    kits = _kits(n_kits, skus, rng, Sku, SkuKitComponent)
    lines = 0
    for n in range(n_orders):
        order = Order(channel_id=channel.id, external_id=f"WR{n}", status="approved", buyer_name="王五",
                      priority=rng.randint(0, 2))
        for sku_id in rng.sample(skus, rng.randint(1, 5)):
            if kits and rng.random() < 0.1:
                sku_id = rng.choice(kits)
            order.lines.append(OrderLine(sku_id=sku_id, sku_code="x", qty=rng.randint(1, 3)))
            lines += 1
        db.session.add(order)
    db.session.commit()
    return warehouse.id, db.session.scalars(select(Order.id)).all(), lines


def _kits(n_kits, skus, rng, Sku, SkuKitComponent):
    """Ids of n_kits kit SKUs, each of 2-3 stocked SKUs (1-2 units each); none for 0."""
    from sqlalchemy import insert, select

    from wms.extensions import db

    if not n_kits:
        return []
    db.session.execute(insert(Sku), [{"code": f"K-{i:03d}", "name": f"组合装 {i}", "weight_g": 0} for i in range(n_kits)])
    kits = db.session.scalars(select(Sku.id).where(Sku.code.like("K-%")).order_by(Sku.id)).all()
    db.session.execute(insert(SkuKitComponent), [{"kit_sku_id": kit, "component_sku_id": component,
                                                  "qty": rng.randint(1, 2)}
                                                 for kit in kits for component in rng.sample(skus, rng.randint(2, 3))])
    return kits


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--time-budget", type=float, default=1.0, help="batching local search seconds")
    parser.add_argument("--kits", type=int, default=50, help="kit SKUs among the order lines (0: none)")
    args = parser.parse_args()
    app, label, cleanup = bench_app(args.db)
    try:
        with app.app_context():
            from wms.inventory.services import allocate_orders
            from wms.picking import waves
            from wms.picking.models import PickTask
            from wms.picking.services import release_wave
            from wms.extensions import db

            warehouse_id, order_ids, lines = seed(args.orders, random.Random(7), args.kits)
            started = time.perf_counter()
            summary = allocate_orders(order_ids)
            allocated = time.perf_counter()
            wave = release_wave(warehouse_id, limits=waves.WaveLimits(max_orders=args.orders, max_lines=10 * lines),
                                time_budget=args.time_budget)
            done = time.perf_counter()
            tasks = db.session.query(PickTask).count()
            print(json.dumps({"db": label, "orders": args.orders, "lines": lines, "kits": args.kits,
                              "allocated": len(summary["allocated"]), "waved": wave.orders_count, "tasks": tasks,
                              "allocate_seconds": round(allocated - started, 3),
                              "wave_seconds": round(done - allocated, 3),
                              "seconds": round(done - started, 3)}))
    finally:
        cleanup()


if __name__ == "__main__":
    main()
