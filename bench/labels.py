"""Label rendering speed (one worker, PDF and ZPL separately), seal-to-label.ready latency, and a bulk
waybill request of the 店小秘 flow.

    .venv/bin/python bench/labels.py [--pdf 300] [--zpl 3000] [--seals 60] [--carrier-ms 50] [--bulk 1000]

Labels have distinct recipients (names, phones, addresses), so the ZPL address bitmaps are not
served from the per-line cache; the per-glyph cache is warm, as in a running worker. The papers are
mixed (100x150 half of them, 76x130 and the 100x180 二联单 a quarter each), privacy masking on. The latency is
measured from the seal (the station's floor event) to the label.ready publication, with the Kuaidi100
sandbox answering over HTTP after --carrier-ms; the waybill job runs inline after the commit (RQ_SYNC),
i.e. without rq's queue hop. Prints one JSON line with pdf_labels_per_s, zpl_labels_per_s,
seal_to_ready_p95_ms, bulk_waybills_per_s (1,000 orders' waybills asked from the sandbox and their
labels rendered; the target is the lot in < 20 s) and p50, counts, and the rates per CPU second for a
loaded machine.
"""
import argparse
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._db import bench_app  # noqa: E402

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
PLACES = [("浙江省", "杭州市", "西湖区"), ("上海市", "上海市", "浦东新区"), ("广东省", "深圳市", "南山区"),
          ("北京市", "北京市", "朝阳区"), ("四川省", "成都市", "武侯区"), ("江苏省", "南京市", "鼓楼区")]
ROADS = "文三路 天目山路 张江路 科技南十二路 建国路 人民南路 中山路 解放路".split()
PAPERS = ("100x150", "100x150", "76x130", "100x180")  # the standard layouts, the common one most


def label_data(i, rng):
    from wms.shipping import labels

    province, city, district = rng.choice(PLACES)
    address = f"{province}{city}{district}{rng.choice(ROADS)} {rng.randint(1, 999)} 号 {rng.randint(1, 30)} 幢 {rng.randint(101, 2999)} 室"
    return labels.LabelData(
        tracking_number=f"SF{1_000_000_000_000 + i}", carrier_name="顺丰速运", order_ref=f"TB{20261122000000 + i}",
        recipient=labels.Party(rng.choice(SURNAMES) + rng.choice(SURNAMES) + str(i % 97),
                               f"138{rng.randint(10_000_000, 99_999_999)}", address),
        sender=labels.Party("华东仓", "021-55550000", "上海市浦东新区张江路 1 号"), weight_g=rng.randint(100, 9000),
        carton="C2", cargo=f"商品 {i % 50} x{rng.randint(1, 3)}", sort_code=f"{city[:2]} 021-A{i % 9}",
        printed_at="2026-11-22 10:00", package_centre=f"{city[:2]}转运中心 P021", service="标准快递",
        item_count=rng.randint(1, 5), paper=rng.choice(PAPERS))


def rate(render, items):
    """(labels per wall second, labels per CPU second of this process): on a shared machine the
    second says what one worker does when it has a core to itself."""
    render(items[0])
    started, cpu = time.perf_counter(), time.process_time()
    for item in items:
        render(item)
    return len(items) / (time.perf_counter() - started), len(items) / max(time.process_time() - cpu, 1e-9)


class TimedList(list):
    def append(self, item):
        super().append({**item, "at": time.perf_counter()})


def seal_latency(n_seals, carrier_ms):
    from tests.builders_packing import make_carrier, make_station, picked_order
    from wms.shipping import waybills
    from wms.shipping.carriers.sandbox import Sandbox

    sandbox = Sandbox(delay_s=carrier_ms / 1000).start()
    app, _label, cleanup = bench_app()
    app.config["UPLOAD_DIR"] = Path(tempfile.mkdtemp(prefix="wms-labels-"))
    published = app.extensions["wms.published"] = TimedList()
    samples = []
    try:
        with app.app_context():
            make_carrier("SF", settings=sandbox.settings(timeout_s=5))
            make_station("PS-1")
            orders = [picked_order(external_id=f"L{n}") for n in range(n_seals + 1)]
            for n, order in enumerate(orders):
                published.clear()
                started = time.perf_counter()
                waybills.seal_parcel(order.id, seal_uuid=str(uuid.uuid4()), station_code="PS-1", carton_code="C2",
                                     weight_g=900)
                ready = [e["at"] for e in published if e["event"] == "label.ready"]
                if n and ready:  # the first seal warms the font and the connection pool
                    samples.append((ready[0] - started) * 1000)
    finally:
        cleanup()
        sandbox.stop()
    samples.sort()
    return samples


def bulk_waybills(n_orders, carrier_ms):
    """(seconds, CPU seconds of this process, waybills issued, the failures' reasons): a bulk request
    (运单号申请) of n_orders reviewed orders in the 店小秘 flow, every waybill asked from the Kuaidi100
    sandbox over HTTP and its label rendered (PDF and ZPL). The sandbox runs in a process of its own,
    answering after carrier_ms, as a carrier is elsewhere. The request's jobs run inline after the commit
    (RQ_SYNC), one chunk after another, i.e. as one worker would; the orders are written beforehand and
    not timed."""
    from tests.builders import make_channel, make_sku
    from tests.builders_inventory import make_warehouse
    from tests.builders_packing import make_carrier
    from wms.extensions import db
    from wms.orders.models import Order, OrderLine
    from wms.shipping.carriers.sandbox import Sandbox
    from wms.shipping.models import EarlyWaybill
    from wms.waybill_desk import services as desk

    port = free_port()
    sandbox = subprocess.Popen([sys.executable, "-m", "wms.shipping.carriers.sandbox", "--port", str(port),
                                "--delay-ms", str(carrier_ms)], stdout=subprocess.DEVNULL,
                               cwd=Path(__file__).resolve().parent.parent)
    app, _label, cleanup = bench_app()
    app.config["UPLOAD_DIR"] = Path(tempfile.mkdtemp(prefix="wms-bulk-labels-"))
    rng = random.Random(11)
    try:
        wait_for_port(port)
        with app.app_context():
            make_carrier("SF", settings={**Sandbox.settings_for(f"http://127.0.0.1:{port}"), "kuaidicom": "shunfeng",
                                         "timeout_s": 10})
            make_warehouse("HZ1", waybill_timing="after_allocation", address="浙江省杭州市余杭区仓前街道 8 号")
            sku, channel = make_sku("SKU-A", name="保温杯", weight_g=300), make_channel()
            for i in range(n_orders):
                province, city, district = rng.choice(PLACES)
                order = Order(channel_id=channel.id, external_id=f"B{i}", status="allocated", carrier_code="SF",
                              buyer_name=rng.choice(SURNAMES) + rng.choice(SURNAMES), buyer_phone=f"138{10_000_000 + i}",
                              province=province, city=city, district=district,
                              address=f"{rng.choice(ROADS)} {rng.randint(1, 999)} 号")
                order.lines.append(OrderLine(sku_code=sku.code, sku_id=sku.id, qty=rng.randint(1, 3), name=sku.name))
                db.session.add(order)
            db.session.commit()
            started, cpu = time.perf_counter(), time.process_time()
            desk.request_waybills()
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
            issued = db.session.query(EarlyWaybill).filter(EarlyWaybill.status == "issued").count()
            reasons = sorted({row.error for row in db.session.query(EarlyWaybill).filter(EarlyWaybill.status == "failed")})
    finally:
        cleanup()
        sandbox.terminate()
        sandbox.wait()
    return seconds, cpu_seconds, issued, reasons


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout_s=15):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the carrier sandbox did not start on port {port}")


def percentile(sorted_values, pct):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(round(pct / 100 * (len(sorted_values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf", type=int, default=300)
    parser.add_argument("--zpl", type=int, default=3000)
    parser.add_argument("--seals", type=int, default=60)
    parser.add_argument("--carrier-ms", type=float, default=50)
    parser.add_argument("--bulk", type=int, default=1000, help="orders in the bulk waybill request")
    args = parser.parse_args()
    from wms.shipping import label_pdf, label_zpl

    rng = random.Random(7)
    pdf_rate, pdf_cpu_rate = rate(label_pdf.render_pdf, [label_data(i, rng) for i in range(args.pdf)])
    zpl_rate, zpl_cpu_rate = rate(label_zpl.render_zpl, [label_data(i, rng) for i in range(args.pdf, args.pdf + args.zpl)])
    samples = seal_latency(args.seals, args.carrier_ms)
    bulk_s, bulk_cpu_s, bulk_issued, bulk_failures = bulk_waybills(args.bulk, args.carrier_ms)
    print(json.dumps({"pdf_labels_per_s": round(pdf_rate, 1), "zpl_labels_per_s": round(zpl_rate, 1),
                      "seal_to_ready_p95_ms": round(percentile(samples, 95), 1),
                      "pdf_labels_per_cpu_s": round(pdf_cpu_rate, 1), "zpl_labels_per_cpu_s": round(zpl_cpu_rate, 1),
                      "seal_to_ready_p50_ms": round(percentile(samples, 50), 1), "seals": len(samples),
                      "carrier_ms": args.carrier_ms, "pdf_labels": args.pdf, "zpl_labels": args.zpl,
                      "bulk_waybills_per_s": round(bulk_issued / bulk_s, 1), "bulk_waybills_s": round(bulk_s, 2),
                      "bulk_waybills_per_cpu_s": round(bulk_issued / max(bulk_cpu_s, 1e-9), 1),
                      "bulk_orders": args.bulk, "bulk_issued": bulk_issued, "bulk_failures": bulk_failures[:3],
                      "waybill_job": "inline after commit (RQ_SYNC)"}))


if __name__ == "__main__":
    main()
