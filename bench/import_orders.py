"""Bulk import benchmark: `python bench/import_orders.py --orders 100000 [--db URL]`.

Generates a realistic order export (Chinese names and addresses, our Chinese template headers,
1-5 lines per order averaging 3, SKUs of a 500-SKU catalogue by code or barcode), imports it through
`wms.imports.file_run.run_file_import` (what the rq job runs) - with kits (组合装) in the catalogue:
`--kits` of the 500 SKUs (50 by default) are kits of 2-3 others, so their lines sell a kit as sold, and
`--gift-rules` (3 by default) gift rules are active (they run at the review the import enqueues, not in the
import: bench/gift_review.py times that) -, then, in the same run, times a bare
insert of the same order, line and event rows into fresh tables as the floor: the driver-level
bulk insert the import itself uses (wms.imports.bulk: executemany on SQLite, COPY on PostgreSQL),
on one connection, with no parsing, no validation and - on PostgreSQL - the row triggers (the
foreign-key checks) off. Prints one JSON line, with CPU seconds next to the wall times - this
process's (the writer), the import's reader process's, and a local PostgreSQL server's (all its
processes: with COPY the floor is mostly the server's index upkeep) - and the machine's load
average (on a shared machine the wall times follow the load). peak_rss_mb adds the reader
process's peak to this process's: both are alive at once.
The review jobs the import enqueues stay in the outbox (RQ_SYNC off, no Redis): not timed.

`--db` defaults to a temporary SQLite file. A PostgreSQL URL names a throwaway database: it is
created if missing (and then dropped at the end), as is a `<name>_floor` database for the floor.
"""
import argparse
import csv
import json
import logging
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志斌宇浩然子涵欣怡梓萱晨雨思彤嘉豪俊杰文博一鸣"
PLACES = {
    "浙江省": {"杭州市": ["西湖区", "上城区", "拱墅区", "滨江区", "余杭区"], "宁波市": ["海曙区", "鄞州区", "北仑区"],
              "温州市": ["鹿城区", "瓯海区"]},
    "广东省": {"广州市": ["天河区", "越秀区", "海珠区", "白云区"], "深圳市": ["南山区", "福田区", "宝安区", "龙岗区"],
              "东莞市": ["东城街道", "南城街道"]},
    "江苏省": {"南京市": ["玄武区", "秦淮区", "鼓楼区"], "苏州市": ["姑苏区", "吴中区", "工业园区"], "无锡市": ["梁溪区", "滨湖区"]},
    "北京市": {"北京市": ["朝阳区", "海淀区", "东城区", "西城区", "丰台区"]},
    "上海市": {"上海市": ["浦东新区", "徐汇区", "静安区", "黄浦区", "闵行区"]},
    "四川省": {"成都市": ["锦江区", "武侯区", "青羊区", "高新区"], "绵阳市": ["涪城区"]},
    "湖北省": {"武汉市": ["江汉区", "武昌区", "洪山区"], "宜昌市": ["西陵区"]},
    "山东省": {"济南市": ["历下区", "市中区"], "青岛市": ["市南区", "崂山区", "黄岛区"]},
    "福建省": {"福州市": ["鼓楼区", "台江区"], "厦门市": ["思明区", "湖里区"]},
    "河南省": {"郑州市": ["金水区", "二七区", "中原区"]},
}
ROADS = "人民路 中山路 解放路 建设路 文三路 学院路 长江路 黄河路 新华路 和平路 延安路 南京路 科技路 创业大道 滨江大道".split()
REMARKS = ["", "", "", "", "请尽快发货", "周末送货", "不要放快递柜，谢谢", "发顺丰", "送礼用，不要放价格单", "<script>alert(1)</script>"]
PRODUCTS = "T恤 卫衣 袜子 帽子 围巾 手套 保温杯 数据线 充电宝 蓝牙耳机 笔记本 钢笔 抱枕 毛巾 牙刷 洗发水".split()
HEADERS = ["订单号", "下单时间", "收件人", "手机", "邮箱", "国家", "省", "市", "区", "详细地址", "邮编", "订单金额",
           "币种", "付款状态", "买家留言", "卖家备注", "标签", "优先级", "快递", "商品编码", "商品名称", "数量", "单价"]
SKU_COUNT = 500


def catalogue(rng):
    """[(code, barcode, name, price_cents)] for SKU_COUNT SKUs."""
    return [(f"SKU-{i:05d}", f"69{rng.randrange(10**10, 10**11)}", f"{rng.choice(PRODUCTS)} {i}号",
             rng.choice([990, 1990, 2900, 3990, 5900, 9900, 12800, 19900])) for i in range(SKU_COUNT)]


def generate_orders(count, skus, seed=7):
    """Yield (order fields, [(sku as sent, name, qty, price_cents)]) deterministically."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, 8, 0)
    provinces = list(PLACES)
    for n in range(count):
        province = rng.choice(provinces)
        city = rng.choice(list(PLACES[province]))
        lines = []
        for _ in range(rng.randint(1, 5)):
            code, barcode, name, price = rng.choice(skus)
            lines.append((barcode if rng.random() < 0.1 else code, name, rng.randint(1, 3), price))
        order = {
            "external_id": f"TB{20261100000000 + n}",
            "ordered_at": (start + timedelta(seconds=n * 17 + rng.randrange(60))).strftime("%Y-%m-%d %H:%M:%S"),
            "buyer_name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
            "buyer_phone": f"1{rng.choice('3456789')}{rng.randrange(10**8, 10**9)}",
            "province": province, "city": city, "district": rng.choice(PLACES[province][city]),
            "address": f"{rng.choice(ROADS)}{rng.randint(1, 999)}号{rng.randint(1, 30)}幢{rng.randint(101, 2808)}室",
            "postcode": f"{rng.randint(100000, 850000)}",
            "total_cents": sum(q * p for _c, _n, q, p in lines),
            "buyer_remark": rng.choice(REMARKS),
            "tags": "VIP" if rng.random() < 0.05 else "",
        }
        yield order, lines


def write_csv(path, count, skus, max_line_rows=None):
    """`count` orders of our Chinese template (one row a line), stopping at `max_line_rows` rows if
    given; the number of line rows written."""
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for order, lines in generate_orders(count, skus):
            for index, (code, name, qty, price) in enumerate(lines):
                if max_line_rows is not None and written >= max_line_rows:
                    return written
                head = [order["external_id"], order["ordered_at"], order["buyer_name"], order["buyer_phone"], "",
                        "CN", order["province"], order["city"], order["district"], order["address"],
                        order["postcode"], f"{order['total_cents'] / 100:.2f}", "CNY", "已付款",
                        order["buyer_remark"], "", order["tags"], "0", ""] if index == 0 else \
                       [order["external_id"]] + [""] * 18
                writer.writerow(head + [code, name, str(qty), f"{price / 100:.2f}"])
                written += 1
    return written


def make_app(url, upload_dir):
    from config.settings import TestConfig
    from wms import create_app

    class BenchConfig(TestConfig):
        TESTING = False
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_DIR = Path(upload_dir)
        RQ_SYNC = False   # review jobs stay in the outbox: this measures the import alone
        REDIS_URL = None
        LOG_LEVEL = "ERROR"

    return create_app(BenchConfig)


def ensure_pg_database(url):
    """Create the database named in a PostgreSQL URL if missing; True if we created it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return not exists


def drop_pg_database(url):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def seed(db, skus, kits=0, gift_rules=0):
    from wms.catalog.models import Sku, SkuBarcode, SkuKitComponent
    from wms.orders.models import Channel
    from wms.review.gift_models import GiftRule

    channel = Channel(code="bench", name="Bench store")
    db.session.add(channel)
    rows = [Sku(code=code, name=name, barcodes=[SkuBarcode(barcode=barcode)]) for code, barcode, name, _price in skus]
    db.session.add_all(rows)
    db.session.flush()
    rng = random.Random(5)
    db.session.add_all([SkuKitComponent(kit_sku_id=kit.id, component_sku_id=part.id, qty=rng.randint(1, 2))
                        for kit in rows[:kits] for part in rng.sample(rows[kits:], rng.randint(2, 3))])
    gifts = rows[-3:]
    db.session.add_all([
        GiftRule(name="every order", gift_sku_ids=[gifts[0].id], total_max=1000),
        GiftRule(name="a family bought", bought_skus=["SKU-001*"], gift_kind="pool", gift_sku_ids=[g.id for g in gifts[1:]],
                 per_unit_bought=True, per_order_max=2),
        GiftRule(name="birthday", remark_words=["生日"], gift_sku_ids=[gifts[0].id], min_amount_cents=5000),
    ][:gift_rules])
    db.session.commit()
    return channel.id


def run_import(app, csv_path, skus, kits=0, gift_rules=0):
    from wms.extensions import db
    from wms.imports import file_run, file_upload

    with app.app_context():
        db.drop_all()
        db.create_all()
        channel_id = seed(db, skus, kits, gift_rules)
        job = file_upload.create_file_job(channel_id, csv_path)
        from wms.imports import key_checks

        fk_checks = key_checks.choose(db.session)   # the path the import takes (it asks the same way)
        started, cpu_started, reader_started = time.perf_counter(), time.process_time(), children_cpu()
        server_started = pg_server_cpu() if db.engine.dialect.name == "postgresql" else None
        job = file_run.run_file_import(job.id)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        reader_cpu, server_cpu = children_cpu() - reader_started, _since(server_started)
        from sqlalchemy import func, select

        from wms.orders.models import Order, OrderLine

        counts = (db.session.scalar(select(func.count(Order.id))), db.session.scalar(select(func.count(OrderLine.id))))
        summary = dict(status=job.status, created=job.created, failed=job.failed, errors=job.errors[:3],
                       fk_checks=fk_checks)
        db.session.remove()
        db.engine.dispose()
    return seconds, dict(cpu=cpu, reader=reader_cpu, server=server_cpu), counts, summary


def _since(server_cpu_then):
    now = pg_server_cpu()
    return None if now is None or server_cpu_then is None else now - server_cpu_then


def run_floor(url, count, skus, tz_offset_hours=8):
    """Bare insert of the same rows (already in memory, sku ids included) into fresh tables with the
    import's own driver-level bulk insert (wms.imports.bulk), no parsing or validation; (seconds,
    CPU seconds)."""
    from sqlalchemy import create_engine

    from wms.extensions import db
    from wms.imports import bulk
    from wms.imports.inserting import EVENT_COLUMNS, LINE_COLUMNS, ORDER_COLUMNS
    from wms.catalog.models import Sku, SkuBarcode
    from wms.orders.models import Order, OrderEvent, OrderLine, audit_reason
    from wms.wording import wording

    engine = create_engine(url)
    db.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(db.metadata.tables["channels"].insert(), [{"id": 1, "code": "bench", "name": "Bench",
                                                                 "platform": "manual", "settings": {},
                                                                 "notifies_buyers": False, "virtual_shipping": False,
                                                                 "active": True, "created_at": datetime.utcnow()}])
    # the same SKUs as the import's database, so that lines carry the same sku ids (and the same
    # foreign-key and index work) as the import's lines
    with engine.begin() as conn:
        conn.execute(Sku.__table__.insert(), [{"id": i, "code": code, "name": name}
                                              for i, (code, _b, name, _p) in enumerate(skus, start=1)])
        conn.execute(SkuBarcode.__table__.insert(), [{"sku_id": i, "barcode": barcode}
                                                     for i, (_c, barcode, _n, _p) in enumerate(skus, start=1)])
    sku_ids = {}
    for i, (code, barcode, _n, _p) in enumerate(skus, start=1):
        sku_ids[code] = sku_ids[barcode] = i
    now = datetime.utcnow()
    imported = audit_reason(wording("Imported from {source}", source=wording("file {name}", name="orders.csv")))
    orders, lines, events = [], [], []
    for order_id, (order, order_lines) in enumerate(generate_orders(count, skus), start=1):
        values = {"channel_id": 1, "external_id": order["external_id"], "status": "imported", "version": 1,
                  "hold_reasons": [], "flags": [], "created_at": now, "updated_at": now,
                  "ordered_at": datetime.fromisoformat(order["ordered_at"]) - timedelta(hours=tz_offset_hours),
                  "buyer_name": order["buyer_name"], "buyer_phone": order["buyer_phone"], "buyer_email": "",
                  "country": "CN", "province": order["province"], "city": order["city"],
                  "district": order["district"], "address": order["address"], "postcode": order["postcode"],
                  "total_cents": order["total_cents"], "currency": "CNY", "payment_status": "paid",
                  "buyer_remark": order["buyer_remark"], "seller_note": "",
                  "tags": [order["tags"]] if order["tags"] else [], "priority": 0, "carrier_code": None,
                  "ship_by": None, "presale_ship_from": None, "cash_on_delivery": False,
                  "invoice_requested": False}
        orders.append((order_id,) + tuple(values[c] for c in ORDER_COLUMNS))
        lines += [(order_id, sku_ids.get(code), code, name, qty, price, None)
                  for code, name, qty, price in order_lines]
        events.append((order_id, now, "import", "imported", "imported", *imported, None, "system"))
    started, cpu_started, server_started = time.perf_counter(), time.process_time(), pg_server_cpu()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # bare: no per-row foreign-key triggers either (the import checks its keys per chunk)
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        bulk.insert_rows(Order.__table__, ("id",) + ORDER_COLUMNS, orders, connection=conn)
        bulk.insert_rows(OrderLine.__table__, LINE_COLUMNS, lines, connection=conn)
        bulk.insert_rows(OrderEvent.__table__, EVENT_COLUMNS, events, connection=conn)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    server_cpu = _since(server_started) if url.startswith("postgresql") else None
    engine.dispose()
    return seconds, cpu, server_cpu


def peak_rss_mb():
    """This process's peak plus its largest reaped child's (the import's reader process), both
    being alive at once: an upper bound of the import's memory (pages they share count twice)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def children_cpu():
    """CPU seconds of this process's reaped children (the import's reader process)."""
    times = os.times()
    return times.children_user + times.children_system


def pg_server_cpu():
    """CPU seconds used so far by a PostgreSQL server running on this machine: every `postgres`
    process (backends, WAL writer, checkpointer...) plus what the postmaster reaped of exited
    ones; None when no server process is visible (a remote server)."""
    import psutil

    total, found = 0.0, False
    for process in psutil.process_iter(["name", "cpu_times", "ppid"]):
        if process.info["name"] != "postgres" or process.info["cpu_times"] is None:
            continue
        found, times = True, process.info["cpu_times"]
        total += times.user + times.system
        try:
            postmaster = psutil.Process(process.info["ppid"]).name() != "postgres"
        except psutil.Error:
            postmaster = False
        if postmaster:
            total += times.children_user + times.children_system
    return total if found else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--kits", type=int, default=50, help="SKUs of the catalogue that are kits (0: none)")
    parser.add_argument("--gift-rules", type=int, default=3, choices=range(4), help="active gift rules (0-3)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="wms-bench-") as tmp:
        tmp = Path(tmp)
        rng = random.Random(42)
        skus = catalogue(rng)
        csv_path = tmp / "orders.csv"
        write_csv(csv_path, args.orders, skus)
        if args.db and args.db.startswith("postgresql"):
            args.db = args.db.replace("postgresql://", "postgresql+psycopg2://", 1)
            url, floor_url = args.db, args.db.rsplit("/", 1)[0] + "/" + args.db.rsplit("/", 1)[1] + "_floor"
            created = [u for u in (url, floor_url) if ensure_pg_database(u)]
            kind = "postgresql"
        else:
            url = args.db or f"sqlite:///{tmp / 'bench.sqlite'}"
            floor_url, created, kind = f"sqlite:///{tmp / 'floor.sqlite'}", [], "sqlite"
        try:
            seconds, cpu, (orders, lines), summary = run_import(make_app(url, tmp / "uploads"), csv_path, skus, args.kits,
                                                                 args.gift_rules)
            peak = peak_rss_mb()  # the import's peak, before the floor builds its rows in memory
            floor_seconds, floor_cpu, floor_server_cpu = run_floor(floor_url, args.orders, skus)
        finally:
            for created_url in created:
                drop_pg_database(created_url)
    if orders != args.orders:
        print(json.dumps({"error": "not every order was imported", "imported": orders, **summary}), file=sys.stderr)
    print(json.dumps({"db": kind, "orders": orders, "lines": lines, "kits": args.kits,
                      "gift_rules": args.gift_rules, "seconds": round(seconds, 2),
                      "lines_per_s": round(lines / seconds), "peak_rss_mb": round(peak, 1),
                      "floor_seconds": round(floor_seconds, 2), "floor_ratio": round(seconds / floor_seconds, 2),
                      # CPU seconds of this process (the writer), of the import's reader process, of a
                      # local PostgreSQL server (None for SQLite or a remote server), and the
                      # machine's load when the run ended: wall times mean little on a busy machine
                      "cpu_seconds": round(cpu["cpu"], 2), "reader_cpu_seconds": round(cpu["reader"], 2),
                      "server_cpu_seconds": _rounded(cpu["server"]), "floor_cpu_seconds": round(floor_cpu, 2),
                      "floor_server_cpu_seconds": _rounded(floor_server_cpu),
                      "load_avg_1m": round(os.getloadavg()[0], 2), "cores": os.cpu_count(),
                      # how the import's foreign keys were checked (wms.imports.key_checks)
                      "fk_checks": summary["fk_checks"]},
                     ensure_ascii=False))


def _rounded(value):
    return None if value is None else round(value, 2)


if __name__ == "__main__":
    main()
