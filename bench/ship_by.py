"""Ship-by deadlines at scale: the desks' due counts, the review desk filtered to due orders, the wall
snapshot's deadlines part and the breach alert's pick, on a table of many orders.

    .venv/bin/python bench/ship_by.py [--orders 1000000] [--open-share 0.1] [--runs 20] [--db postgresql://...]

Builds `--orders` orders (SQL inserts, not the ORM): `--open-share` of them open with a ship-by spread
from two days late to three days ahead, the rest shipped or completed (outside the partial index
ix_orders_open_ship_by). Prints one JSON line per measure (p50_ms, p95_ms, rows), the query plan of the
counts (SQLite: EXPLAIN QUERY PLAN), and a last line with the build time.
"""
import argparse
import json
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._db import bench_app  # noqa: E402


def build(db, n_orders, open_share):
    from sqlalchemy import insert

    from wms.orders import ship_by
    from wms.orders.models import Channel, Order
    from wms.timeutil import utcnow

    now = utcnow()
    channels = [Channel(code=f"store-{i}", name=f"Store {i}") for i in range(8)]
    db.session.add_all(channels)
    db.session.commit()
    rng = random.Random(20)
    closed = ("shipped", "completed", "delivered")
    chunk = []
    for i in range(n_orders):
        is_open = rng.random() < open_share
        due = now + timedelta(minutes=rng.randint(-48 * 60, 72 * 60))
        chunk.append({"channel_id": channels[i % 8].id, "external_id": f"E{i}", "status":
                      rng.choice(ship_by.OPEN) if is_open else rng.choice(closed), "version": 1,
                      "ship_by": due, "created_at": due - timedelta(hours=50), "updated_at": now,
                      "hold_reasons": [], "flags": [], "tags": []})
        if len(chunk) == 50_000:
            db.session.execute(insert(Order.__table__), chunk)
            db.session.commit()
            chunk = []
    if chunk:
        db.session.execute(insert(Order.__table__), chunk)
        db.session.commit()
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()


def measure(name, fn, runs):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(json.dumps({"measure": name, "p50_ms": round(statistics.median(times), 2),
                      "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2), "result": result}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--db")
    args = parser.parse_args()
    app, label, cleanup = bench_app(args.db)
    try:
        with app.app_context():
            from wms.extensions import db
            from wms.orders import deadlines
            from wms.review import queue

            started = time.perf_counter()
            build(db, args.orders, args.open_share)
            built_s = round(time.perf_counter() - started, 1)

            def counts(hours):
                c = deadlines.due_counts(hours)
                db.session.rollback()
                return {"overdue": c["overdue"], "due": c["due"], "capped": c["capped"]}

            def desk_page(due_within=2):
                page = queue.queue_page(queue.QueueFilters(state="", due_within=due_within))
                db.session.rollback()
                return {"rows": len(page["rows"]), "total": page["total"], "capped": page["total_capped"]}

            def alert_pick():
                # the alert's candidate query, without marking anything (rolled back)
                from sqlalchemy import select

                from wms.orders import ship_by
                from wms.orders.models import Order
                from wms.timeutil import utcnow

                ids = db.session.scalars(select(Order.id).where(
                    deadlines._open(), Order.status.in_(ship_by.NOT_PACKED),
                    Order.ship_by <= utcnow() + timedelta(hours=2), Order.ship_by_alerted_at.is_(None))
                    .order_by(Order.ship_by).limit(deadlines.ALERTS_PER_RUN)).all()
                db.session.rollback()
                return {"rows": len(ids)}

            measure("due_counts_2h", lambda: counts(2), args.runs)
            measure("due_counts_48h_capped", lambda: counts(48), args.runs)
            measure("review_desk_due_2h_page", desk_page, args.runs)
            measure("review_desk_page_without_the_filter", lambda: desk_page(None), args.runs)
            measure("alert_candidates", alert_pick, args.runs)
            if label == "sqlite":
                from sqlalchemy import select

                from wms.orders.models import Order
                from wms.timeutil import utcnow

                now = utcnow()
                queries = {"due_counts": select(Order.channel_id).where(deadlines._open(), Order.ship_by <= now)
                           .limit(10_000),
                           "desk_count": select(Order.id).where(Order.status.in_(queue.DESK_STATES),
                                                                deadlines.due_filter(2, now)).limit(10_001)}
                plan = {}
                for name, query in queries.items():
                    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
                    plan[name] = [row[-1] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql))]
                print(json.dumps({"measure": "due_counts_plan", "plan": plan}), flush=True)
            print(json.dumps({"bench": "ship_by", "db": label, "orders": args.orders,
                              "open_share": args.open_share, "build_s": built_s}), flush=True)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
