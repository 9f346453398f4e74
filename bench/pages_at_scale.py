"""Every list, search and detail page and API on a year of history, as the role that uses it.

    .venv/bin/python bench/pages_at_scale.py [--orders 1000000] [--db postgresql://postgres@127.0.0.1:5432/postgres]
                                             [--keep] [--runs 20] [--only parcels,review]

Builds the history in a PostgreSQL database (bench/_history.py: SQL, not the ORM), logs each role
in through the real login form, then requests each page `--runs` times through Flask's test client
(server time: routing, queries, templates; no network) and counts the SQL statements of each
request. One JSON line per page: page, role, path, status, p50_ms, p95_ms, max_ms, queries.
A last line sums up: pages, the slowest p95, the most statements, and whether the reach was kept
(every page p95 <= 300 ms, <= 30 statements; the wave preview <= 500 ms).

--keep keeps the database (named for its size: wms_pages_<orders>) and reuses it next time, so
a 1M build (minutes) is paid once, catching it up with the models first (new tables, columns and
indexes); without it a throwaway database is dropped at the end. Deep desk pages are asked as the
desk's pager links them (a cursor: `after=`), and by page number alone as an old link would.
The process is set up as the web process is (start-up objects frozen out of the collector).
"""
import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _history  # noqa: E402

PAGE_P95_MS, PAGE_QUERIES, PREVIEW_P95_MS = 300, 30, 500
DONE = "pages_at_scale history complete"


def database(base_url, n_orders, keep):
    """(url, built_already, drop) for the bench database."""
    from sqlalchemy import create_engine, text

    from config.settings import database_url

    base = database_url(base_url).rsplit("/", 1)[0]
    name = f"wms_pages_{n_orders}" if keep else f"wms_pages_tmp_{os.getpid()}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if exists and not keep:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        if not exists or not keep:
            conn.execute(text(f"CREATE DATABASE {name}"))

    def drop():
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    return f"{base}/{name}", bool(exists and keep), drop


def make_app(url):
    from config.settings import TestConfig
    from wms import create_app

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        TESTING = False
        LOG_LEVEL = "WARNING"
        UPLOAD_DIR = Path("/tmp/wms-pages-bench-uploads")

    os.environ.setdefault("WMS_ENV", "test")
    return create_app(BenchConfig)


def ready(db, n_orders, built):
    """Build the history unless a kept database already holds it (else rebuild from empty)."""
    from sqlalchemy import text

    if built and db.session.scalar(text("SELECT obj_description(to_regclass('orders'), 'pg_class')")) == DONE:
        _log("reusing the kept database")
        catch_up(db)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return
    db.drop_all()
    db.create_all()
    started = time.perf_counter()
    _history.build(db, n_orders, _log)
    db.session.execute(text(f"COMMENT ON TABLE orders IS '{DONE}'"))  # a build cut short is not reused
    db.session.commit()
    _log(f"built {n_orders:,} orders in {time.perf_counter() - started:.0f} s")


def catch_up(db):
    """What the models gained since the kept database was built: new tables, new columns (filled
    with their default) and new indexes; create_all alone adds only tables."""
    from sqlalchemy import inspect, text

    db.create_all()
    inspector = inspect(db.engine)
    for table in db.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                _log(f"adding {table.name}.{column.name}")
                kind = column.type.compile(dialect=db.engine.dialect)
                db.session.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}"))
                default = column.default.arg if column.default is not None and column.default.is_scalar else None
                if default is not None:
                    db.session.execute(text(f"UPDATE {table.name} SET {column.name} = :value"), {"value": default})
        db.session.commit()
        for index in table.indexes:
            index.create(db.engine, checkfirst=True)


def _log(message):
    print(f"# {message}", file=sys.stderr, flush=True)


class StatementCounter:
    """SQL statements sent on the app's engine while `counting`."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.count += 1


def facts(db):
    """Ids and numbers the pages are asked about, read from the built history."""
    from sqlalchemy import text

    one = lambda sql: db.session.scalar(text(sql))  # noqa: E731
    found = {
        "held_order": one("SELECT max(id) FROM orders WHERE status = 'on_hold'"),
        "old_order": one("SELECT min(id) FROM orders WHERE status = 'completed'"),
        "returned_order": one("SELECT max(id) FROM orders WHERE status = 'returned'"),
        "shipped_external": one("SELECT external_id FROM orders WHERE status = 'completed' ORDER BY id LIMIT 1 OFFSET 1000"),
        "old_tracking": one("SELECT tracking_number FROM parcels WHERE status = 'shipped' ORDER BY id LIMIT 1 OFFSET 500"),
        "phone_last4": one("SELECT right(buyer_phone, 4) FROM orders ORDER BY id LIMIT 1 OFFSET 777"),
        "cancelled_pages": -(-one("SELECT count(*) FROM orders WHERE status = 'cancelled'") // 50),
        "completed_pages": -(-one("SELECT count(*) FROM orders WHERE status = 'completed'") // 50),
        "wave": one("SELECT max(id) FROM waves"),
        "task": one("SELECT max(id) FROM pick_tasks"),
        "manifest": one("SELECT max(id) FROM manifests"),
        "warehouse": one("SELECT min(id) FROM warehouses"),
        "channel": one("SELECT min(id) FROM channels"),
        "sku": one("SELECT min(id) FROM skus"),
        "parcel_labelled": one("SELECT max(id) FROM parcels WHERE status = 'labelled'"),
        "supervisor": one("SELECT id FROM users WHERE role = 'supervisor'"),
    }
    # the desk's pager names the order a page follows: the last of the page before
    queue_cursor = ("SELECT id FROM orders WHERE status = 'completed' ORDER BY priority DESC, created_at, id"
                    " LIMIT 1 OFFSET {}")
    found["middle_after"] = one(queue_cursor.format((found["completed_pages"] // 2 - 1) * 50 - 1))
    found["deep_after"] = one(queue_cursor.format((found["completed_pages"] - 4) * 50 - 1))
    db.session.commit()
    return found


def pages(f):
    """(name, role, method, path, form) of every page and API to time."""
    get = lambda name, role, path: (name, role, "GET", path, None)  # noqa: E731
    return [
        get("review queue (held)", "reviewer", "/review/"),
        get("review queue (desk states)", "reviewer", "/review/?state="),
        get("review queue cancelled, last page", "reviewer", "/review/?state=cancelled&last=1"),
        get("review queue cancelled, last page by number (old link)", "reviewer",
            f"/review/?state=cancelled&page={f['cancelled_pages']}"),
        get("review queue completed, middle page", "reviewer",
            f"/review/?state=completed&page={f['completed_pages'] // 2}&after={f['middle_after']}"),
        get("review queue completed, middle page by number (old link)", "reviewer",
            f"/review/?state=completed&page={f['completed_pages'] // 2}"),
        get("review queue search by order number", "reviewer", f"/review/?state=completed&q={f['shipped_external']}"),
        get("review queue API (held)", "reviewer", "/api/review/queue"),
        get("review queue API completed, deep page", "reviewer",
            f"/api/review/queue?state=completed&page={f['completed_pages'] - 3}&after={f['deep_after']}"),
        get("review order", "reviewer", f"/review/orders/{f['held_order']}"),
        get("review order (a year old)", "reviewer", f"/review/orders/{f['old_order']}"),
        get("review order API", "reviewer", f"/api/review/orders/{f['old_order']}"),
        get("order carrier", "reviewer", f"/shipping/orders/{f['held_order']}/carrier"),
        get("parcels", "supervisor", "/shipping/parcels"),
        get("parcels by tracking number", "supervisor", f"/shipping/parcels?q={f['old_tracking']}"),
        get("parcels by order number", "supervisor", f"/shipping/parcels?q={f['shipped_external']}"),
        get("parcels, no match", "supervisor", "/shipping/parcels?q=NO-SUCH-NUMBER"),
        get("waybills failed", "supervisor", "/shipping/waybills/failed"),
        get("carriers", "admin", "/shipping/carriers"),
        get("tracking exceptions", "supervisor", "/tracking/exceptions"),
        get("stock", "supervisor", "/inventory/stock"),
        get("stock, SKU filter", "supervisor", "/inventory/stock?q=SKU-001"),
        get("stock, below minimum", "supervisor", "/inventory/stock?below=1"),
        get("stock, last page", "supervisor", "/inventory/stock?page=200"),
        get("receive", "supervisor", "/inventory/receive"),
        get("adjust", "supervisor", "/inventory/adjust"),
        get("warehouses", "supervisor", "/inventory/warehouses"),
        get("bins", "supervisor", f"/inventory/warehouses/{f['warehouse']}/bins"),
        get("waves", "supervisor", "/waves/"),
        get("wave", "supervisor", f"/waves/{f['wave']}"),
        ("wave preview (5,000 allocated)", "supervisor", "POST", "/waves/preview",
         {"warehouse": str(f["warehouse"])}),
        get("returns", "reviewer", "/aftersales/returns"),
        get("returns, find an order", "reviewer", f"/aftersales/returns?order={f['shipped_external']}"),
        get("return form", "reviewer", f"/aftersales/returns/{f['returned_order']}"),
        get("intercepts", "supervisor", "/aftersales/intercepts"),
        get("dock", "dock", "/handover/"),
        get("manifest", "dock", f"/handover/manifests/{f['manifest']}"),
        get("wall desk", "supervisor", "/wall/desk"),
        get("wall", "supervisor", "/wall/"),
        get("wall snapshot API", "supervisor", "/api/wall/snapshot"),
        get("stuck orders", "supervisor", "/wall/desk/stuck"),
        get("picker on the wall", "supervisor", f"/wall/desk/pickers/{f['supervisor']}"),
        get("carrier on the wall", "supervisor", "/wall/desk/carriers/SF"),
        get("jobs", "supervisor", "/admin/jobs"),
        get("users", "admin", "/admin/users"),
        get("channels", "admin", "/admin/channels"),
        get("imports", "reviewer", "/imports/"),
        get("SKUs", "admin", "/catalog/skus"),
        get("SKU", "admin", f"/catalog/skus/{f['sku']}"),
        get("SKU mappings", "reviewer", "/channels/sku-mappings"),
        get("review rules", "supervisor", "/review/rules"),
        get("blacklist", "reviewer", "/review/blacklist"),
        get("pack station", "packer", "/station/"),
        get("pack station queue API", "packer", "/api/station/queue"),
        get("handheld bootstrap API", "picker", "/api/handheld/bootstrap"),
        get("count tasks API", "picker", "/api/inventory/count-tasks"),
    ]


def login(app, role):
    client = app.test_client()
    response = client.post("/login", data={"username": f"bench-{role}", "password": _history.PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"bench-{role} could not log in: {response.status_code}")
    return client


def time_page(client, counter, method, path, form, runs):
    """(status, [ms...], statements of the last request)."""
    call = client.post if method == "POST" else client.get
    timings, status, queries = [], None, 0
    for run in range(runs + 2):  # two warm-up requests (templates compiled, plans cached)
        counter.count = 0
        started = time.perf_counter()
        response = call(path, data=form) if form is not None else call(path)
        elapsed = (time.perf_counter() - started) * 1000
        status, queries = response.status_code, counter.count
        if run >= 2:
            timings.append(elapsed)
    return status, timings, queries


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database and reuse it next time")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", default="", help="comma-separated words; time the pages whose name has one")
    args = parser.parse_args()
    url, built, drop = database(args.db, args.orders, args.keep)
    try:
        app = make_app(url)
        with app.app_context():
            from wms.extensions import db

            ready(db, args.orders, built)
            found = facts(db)
            db.session.remove()
        counter = StatementCounter(_engine(app))
        gc.collect()   # as the web process does before it listens (wms.serving.prepare): start-up objects
        gc.freeze()    # out of the collector, so a full collection scans what requests made
        clients, worst_p95, worst_queries, kept, timed = {}, 0.0, 0, True, 0
        words = [w.strip().lower() for w in args.only.split(",") if w.strip()]
        for name, role, method, path, form in pages(found):
            if words and not any(w in name.lower() for w in words):
                continue
            client = clients.get(role) or clients.setdefault(role, login(app, role))
            status, timings, queries = time_page(client, counter, method, path, form, args.runs)
            p95 = percentile(timings, 0.95)
            bar = PREVIEW_P95_MS if "preview" in name else PAGE_P95_MS
            ok = status == 200 and p95 <= bar and queries <= PAGE_QUERIES
            kept, timed = kept and ok, timed + 1
            worst_p95, worst_queries = max(worst_p95, p95), max(worst_queries, queries)
            print(json.dumps({"page": name, "role": role, "method": method, "path": path, "status": status,
                              "orders": args.orders, "p50_ms": round(statistics.median(timings), 1),
                              "p95_ms": round(p95, 1), "max_ms": round(max(timings), 1), "queries": queries,
                              "ok": ok}, ensure_ascii=False), flush=True)
        print(json.dumps({"summary": True, "orders": args.orders, "pages": timed,
                          "worst_p95_ms": round(worst_p95, 1), "most_queries": worst_queries,
                          "reach_kept": kept}), flush=True)
    finally:
        drop()


def _engine(app):
    with app.app_context():
        from wms.extensions import db

        return db.engine


if __name__ == "__main__":
    main()
