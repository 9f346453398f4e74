"""What each index of the import's tables costs a bulk import on PostgreSQL.

`python bench/floor_indexes.py [--orders 100000] [--rounds 2] [--db postgresql://postgres@127.0.0.1:5432/floorexp]`

For each variant the throwaway database is made anew with the schema, the variant's indexes are
dropped, and bench/import_orders.py's floor (the bare COPY of the import's order, line and event rows,
no parsing, no validation, row triggers off) is timed. Prints one JSON line per variant and round:
wall seconds, this process's CPU, and the local server's CPU. Compare within one run only: the
host's speed changes through the day.
"""
import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_orders as imports  # noqa: E402

ORDER_SECONDARY = ["ix_orders_open_ship_by", "ix_orders_currency_created", "ix_orders_phone_last4",
                   "ix_orders_desk_order", "ix_orders_status_created", "ix_orders_buyer_name",
                   "ix_orders_external_id", "ix_orders_created_at", "ix_orders_buyer_phone"]
VARIANTS = {"all indexes": [], **{f"without {ix}": [ix] for ix in ORDER_SECONDARY},
            "without ix_order_events_order_id": ["ix_order_events_order_id"],
            "without the orders' secondary indexes": ORDER_SECONDARY}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/floorexp",
                        help="a throwaway PostgreSQL database (dropped and made anew per variant)")
    args = parser.parse_args(argv)
    from sqlalchemy import create_engine, text

    from wms.extensions import db

    url = args.db.replace("postgresql://", "postgresql+psycopg2://", 1)
    skus = imports.catalogue(random.Random(42))
    imports.make_app(url, tempfile.mkdtemp(prefix="wms-floor-"))   # the models, registered on db.metadata
    try:
        for round_ in range(args.rounds):
            for name, dropped in VARIANTS.items():
                imports.drop_pg_database(url)
                imports.ensure_pg_database(url)
                engine = create_engine(url)
                db.metadata.create_all(engine)
                with engine.begin() as conn:
                    for index in dropped:
                        conn.execute(text(f'DROP INDEX "{index}"'))
                engine.dispose()
                seconds, cpu, server_cpu = imports.run_floor(url, args.orders, skus)
                print(json.dumps({"variant": name, "round": round_ + 1, "orders": args.orders,
                                  "floor_seconds": round(seconds, 2), "client_cpu_seconds": round(cpu, 2),
                                  "server_cpu_seconds": imports._rounded(server_cpu),
                                  "load_avg_1m": round(os.getloadavg()[0], 2)}), flush=True)
    finally:
        imports.drop_pg_database(url)


if __name__ == "__main__":
    main()
