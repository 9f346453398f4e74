"""SKU catalogue import benchmark: `python bench/sku_import.py --rows 600000 [--db URL]`.

Writes a catalogue CSV of `--rows` SKUs (our Chinese headers, a Chinese name, one or two barcodes,
weight and dimensions; one row in 1,000 refused: a barcode another row already took), imports it
through wms.catalog.sku_imports.import_now (the job the upload page queues, run in this process),
then imports the same file again (every row unchanged). Prints one JSON line: wall and CPU seconds
and rows/s of each run, the job's counts, peak RSS and the machine's load average.

`--db` defaults to a temporary SQLite file; a PostgreSQL URL names a throwaway database (bench/_db.py).
"""
import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._db import bench_app  # noqa: E402

PRODUCTS = "T恤 卫衣 袜子 帽子 围巾 手套 保温杯 数据线 充电宝 蓝牙耳机 笔记本 钢笔 抱枕 毛巾 牙刷 洗发水".split()
HEADER = "商品编码,商品名称,条码,重量(g),长(mm),宽(mm),高(mm)\n"


def write_catalogue(path, rows, rng):
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(rows):
            barcodes = f"69{n:011d}" + (f"|68{n:011d}" if n % 3 == 0 else "")
            if n % 1000 == 999:
                barcodes = f"69{n - 1:011d}"   # the row before holds it: refused
            out.write(f"SKU-{n:07d},{rng.choice(PRODUCTS)} {n}号,{barcodes},{rng.randrange(10, 5000)},"
                      f"{rng.randrange(10, 600)},{rng.randrange(10, 400)},{rng.randrange(5, 300)}\n")


def timed(run):
    wall, cpu = time.perf_counter(), time.process_time()
    job = run()
    return job, round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    app, label, cleanup = bench_app(args.db)
    folder = Path(tempfile.mkdtemp(prefix="wms-sku-bench-"))
    path = folder / "skus.csv"
    write_catalogue(path, args.rows, random.Random(15))
    app.config["UPLOAD_DIR"] = folder   # the report goes next to the file, not into instance/
    try:
        with app.app_context():
            from wms.catalog.sku_imports import import_now

            first, first_wall, first_cpu = timed(lambda: import_now(path))
            counts = {k: getattr(first, k) for k in ("status", "rows_done", "created", "updated", "refused")}
            again, again_wall, again_cpu = timed(lambda: import_now(path))
            again_counts = {k: getattr(again, k) for k in ("status", "unchanged", "refused")}
    finally:
        cleanup()
    print(json.dumps({
        "bench": "sku_import", "db": label, "rows": args.rows, "file_mb": round(path.stat().st_size / 2**20, 1),
        "first": {**counts, "wall_s": first_wall, "cpu_s": first_cpu, "rows_per_s": round(args.rows / first_wall)},
        "again": {**again_counts, "wall_s": again_wall, "cpu_s": again_cpu,
                  "rows_per_s": round(args.rows / again_wall)},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
