"""The wall with 1,000,000 orders in PostgreSQL: full snapshot time and the cost of one incremental update.

    .venv/bin/python bench/wall.py [--orders 1000000] [--runs 20] [--db postgresql://postgres@127.0.0.1:5432/postgres]

Orders (and today's shipped audit rows, pick buckets, carriers, waves) are generated in SQL with
generate_series in a throwaway database; the counters are built once with rebuild_metrics().
Keys: db, orders, seed_s, rebuild_s, snapshot_ms (p50 of --runs), snapshot_p95_ms, update_ms (p50: the
incremental counter update of one order's status change - the upserts the flush adds, inside that change's
transaction), update_p95_ms, status_change_ms / status_change_p95_ms (the whole status change for context:
load, transition, audit row, counters, commit), load (1-minute load average: the machine is shared), reach_ok.
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._db import bench_app  # noqa: E402

# (state, share of orders): most of a million orders are history; a few thousand are on the floor.
MIX = (("completed", 0.80), ("shipped", 0.10), ("delivered", 0.05), ("cancelled", 0.02), ("imported", 0.004),
       ("on_hold", 0.003), ("approved", 0.003), ("allocated", 0.004), ("waved", 0.004), ("picking", 0.003),
       ("picked", 0.003), ("packed", 0.003), ("labelled", 0.003))
CARRIERS = ("sf", "yto", "zto", "ems")


def seed(n_orders):
    from sqlalchemy import text

    from wms.auth.models import User
    from wms.orders.models import Channel
    from wms.extensions import db
    from wms.shipping.models import Carrier

    db.session.add(Channel(code="bench", name="Bench"))
    db.session.add_all([Carrier(code=c, name=c.upper(), cutoffs=["12:00", "17:30"]) for c in CARRIERS])
    db.session.add_all([User(username=f"p{i}", display_name=f"拣货员 {i}", role="picker") for i in range(20)])
    db.session.commit()
    bounds, total = [], 0.0
    for state, share in MIX:
        total += share
        bounds.append(f"WHEN r < {total:.4f} THEN '{state}'")
    status = "CASE " + " ".join(bounds) + " ELSE 'completed' END"
    db.session.execute(text(f"""
        INSERT INTO orders (channel_id, external_id, status, version, buyer_name, buyer_phone, buyer_email, country,
            province, city, district, address, postcode, total_cents, currency, payment_status, buyer_remark,
            seller_note, tags, priority, carrier_code, hold_reasons, created_at, updated_at)
        SELECT 1, 'B' || g, s.status, 1, '张三', '13800138000', '', 'CN', '浙江省', '杭州市', '西湖区', '文三路 90 号',
            '310012', 9900, 'CNY', 'paid', '', '', CAST('[]' AS json), 0, (ARRAY['sf','yto','zto','ems'])[1 + g % 4],
            CAST(CASE WHEN s.status = 'on_hold' THEN '[{{"code": "address"}}]' ELSE '[]' END AS json),
            now() - (g % 90) * interval '1 day', now()
        FROM generate_series(1, :n) AS g, LATERAL (SELECT {status} AS status FROM (SELECT (g::bigint * 7919 % 10007) / 10007.0 AS r) AS x) AS s
    """), {"n": n_orders})
    db.session.execute(text("""
        INSERT INTO order_events (order_id, at, kind, from_state, to_state, reason, actor_name)
        SELECT id, now() AT TIME ZONE 'UTC' - interval '1 minute', 'state', 'labelled', 'shipped', 'bench', 'system'
        FROM orders WHERE status = 'shipped' LIMIT 5000"""))
    db.session.execute(text("""
        INSERT INTO wall_pick_buckets (minute, picker_id, units, lines)
        SELECT date_trunc('minute', now() AT TIME ZONE 'UTC') - m * interval '1 minute', p, 3, 2
        FROM generate_series(0, 59) AS m, generate_series(1, 20) AS p"""))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def percentiles(samples):
    ordered = sorted(samples)
    return round(statistics.median(ordered), 2), round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2)


def time_snapshot(runs):
    from wms.dashboard import services
    from wms.extensions import db

    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        services.snapshot()
        samples.append((time.perf_counter() - started) * 1000)
        db.session.remove()
    return percentiles(samples)


def time_updates(runs):
    """Flip orders approved -> on_hold. update: the flush that writes the status, the audit row and the counter
    upserts (the counter part timed alone too); status_change: the whole use case with its commit."""
    from sqlalchemy import event, select

    from wms.aftercommit import commit
    from wms.counters import services as counting
    from wms.extensions import db
    from wms.orders.models import Order

    spent = []
    original, original_write = counting.add_families, counting._write_rows

    def timed(fn):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            fn(*args, **kwargs)
            spent.append(time.perf_counter() - started)
        return wrapper

    # the counters cost what collecting the deltas and their one upsert at commit cost
    counting.add_families, counting._write_rows = timed(original), timed(original_write)
    ids = db.session.scalars(select(Order.id).where(Order.status == "approved").limit(runs + 3)).all()
    changes, counters = [], []
    try:
        for order_id in ids:
            spent.clear()
            started = time.perf_counter()
            order = db.session.get(Order, order_id)
            order.transition_to("on_hold", reason="bench")
            order.hold_reasons = [{"code": "risk"}]
            commit()
            changes.append((time.perf_counter() - started) * 1000)
            counters.append(sum(spent) * 1000)
            db.session.remove()
    finally:
        counting.add_families, counting._write_rows = original, original_write
    return percentiles(changes[3:]), percentiles(counters[3:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    app, label, cleanup = bench_app(args.db)
    try:
        with app.app_context():
            from wms.dashboard import services

            started = time.perf_counter()
            seed(args.orders)
            seed_s = time.perf_counter() - started
            started = time.perf_counter()
            services.rebuild_metrics()
            rebuild_s = time.perf_counter() - started
            time_snapshot(3)  # warm the statement caches
            snapshot = time_snapshot(args.runs)
            change, update = time_updates(args.runs)
    finally:
        cleanup()
    print(json.dumps({"db": label, "orders": args.orders, "seed_s": round(seed_s, 1), "rebuild_s": round(rebuild_s, 2),
                      "snapshot_ms": snapshot[0], "snapshot_p95_ms": snapshot[1], "update_ms": update[0],
                      "update_p95_ms": update[1], "status_change_ms": change[0], "status_change_p95_ms": change[1],
                      "load": round(os.getloadavg()[0], 1),
                      "reach_ok": snapshot[0] <= 200 and update[0] <= 2}))


if __name__ == "__main__":
    main()
