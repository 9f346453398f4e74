"""Gift rules' cost at review: `python bench/gift_review.py [--orders 3000] [--db URL]`.

Gift rules run when orders are reviewed (wms.review.gifts, from the review job the import enqueues),
never inside the import itself, so the import bench (bench/import_orders.py) does not move with
them. This times the automatic review (services.review_orders, 1,000 orders a call as the import's
review jobs send them) of the same orders twice on fresh databases: with no gift rule, then with
three active ones (every order: a fixed gift up to a total that runs out halfway; a SKU family: a
pool by stock; a remark word). Prints one JSON line: orders per second each way, gift lines added,
the statements per 1,000-order batch and the machine's load.
"""
import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 1000
REMARKS = ["", "", "", "生日礼物", "请尽快发货"]


def make_app(url):
    from config.settings import TestConfig
    from wms import create_app

    class BenchConfig(TestConfig):
        TESTING = False
        SQLALCHEMY_DATABASE_URI = url
        RQ_SYNC = False   # allocation jobs stay in the outbox: this measures the review alone
        REDIS_URL = None
        LOG_LEVEL = "ERROR"

    return create_app(BenchConfig)


def seed(db, count, with_rules):
    from wms.catalog.models import Sku
    from wms.inventory.models import Bin, StockItem, Warehouse
    from wms.orders.models import Channel, Order, OrderLine
    from wms.review import checks
    from wms.review.gift_models import GiftRule

    rng = random.Random(7)
    channel = Channel(code="bench", name="Bench")
    skus = [Sku(code=f"{'TEA' if i % 5 == 0 else 'SKU'}-{i:04d}", name=f"Item {i}") for i in range(200)]
    gifts = [Sku(code=f"GIFT-{i}", name=f"Gift {i}") for i in range(3)]
    warehouse = Warehouse(code="W1", name="W1")
    db.session.add_all([channel, warehouse, *skus, *gifts])
    db.session.flush()
    bin_ = Bin(warehouse_id=warehouse.id, code="A-01-01-1", barcode="A-01-01-1", aisle=0)
    db.session.add(bin_)
    db.session.flush()
    db.session.add_all([StockItem(bin_id=bin_.id, sku_id=gift.id, on_hand=count // 4) for gift in gifts[1:]])
    for n in range(count):
        order = Order(channel_id=channel.id, external_id=f"B{n:07d}", buyer_name="张三", buyer_phone="13800138000",
                      province="浙江省", city="杭州市", district="西湖区", address="文三路 90 号", postcode="310012",
                      total_cents=rng.choice([990, 5900, 19900]), buyer_remark=rng.choice(REMARKS))
        for sku in rng.sample(skus, rng.randint(1, 4)):
            order.lines.append(OrderLine(sku_code=sku.code, sku_id=sku.id, name=sku.name, qty=rng.randint(1, 3),
                                         unit_price_cents=990))
        db.session.add(order)
    if with_rules:
        db.session.add_all([
            GiftRule(name="every order", gift_sku_ids=[gifts[0].id], total_max=count // 2),
            GiftRule(name="tea family", bought_skus=["TEA-*"], gift_kind="pool", gift_sku_ids=[g.id for g in gifts[1:]],
                     per_unit_bought=True, per_order_max=2),
            GiftRule(name="birthday", remark_words=["生日"], gift_sku_ids=[gifts[0].id], min_amount_cents=5000)])
    checks.ensure_rules()
    db.session.commit()


def run(url, count, with_rules):
    from wms.extensions import db
    from wms.orders.models import Order, OrderLine
    from wms.review import services

    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed(db, count, with_rules)
        ids = db.session.scalars(select(Order.id).order_by(Order.id)).all()
        db.session.remove()
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        started = time.perf_counter()
        for start in range(0, len(ids), BATCH):
            services.review_orders(ids[start:start + BATCH])
            db.session.remove()
        seconds = time.perf_counter() - started
        gifts = db.session.scalar(select(func.count(OrderLine.id)).where(OrderLine.is_gift.is_(True)))
        reviewed = db.session.scalar(select(func.count(Order.id)).where(Order.status != "imported"))
        db.session.remove()
        db.engine.dispose()
    batches = -(-count // BATCH)
    return {"orders_per_s": round(reviewed / seconds), "seconds": round(seconds, 2), "gift_lines": gifts,
            "statements_per_batch": round(len(statements) / batches)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL of a throwaway database (default: temporary SQLite)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wms-bench-") as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        without = run(url, args.orders, with_rules=False)
        with_rules = run(url, args.orders, with_rules=True)
    print(json.dumps({"db": url.split(":")[0], "orders": args.orders, "no_rules": without, "three_rules": with_rules,
                      "load_avg_1m": round(os.getloadavg()[0], 2), "cores": os.cpu_count()}))


if __name__ == "__main__":
    main()
