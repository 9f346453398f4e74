"""A year of warehouse history in PostgreSQL, built in SQL (generate_series), not through the ORM.

Used by bench/pages_at_scale.py. The ORM makes only the few rows whose shape the app decides
(users with their password hashes, the warehouse's bins); every bulk table is one INSERT ... SELECT
over generate_series, so 1M orders (about 2M lines, 9M timeline rows, 1M parcels and their tracking)
build in minutes on two cores.

The newest orders are the ones still in the warehouse (a backlog of 5,000 allocated orders waiting
for a wave, a few thousand held or on their way); the rest of the year is completed, with 2 %
cancelled and 1 % returned. A few tracked parcels carry an open carrier exception; most old ones
were handled.
"""
from datetime import timedelta

from sqlalchemy import select

# The newest orders, newest first: (status, how many). Everything older is history (see HISTORY_SQL).
OPEN_ORDERS = (("imported", 300), ("on_hold", 2000), ("approved", 300), ("backorder", 200), ("allocated", 5000),
               ("waved", 400), ("picking", 100), ("picked", 200), ("packed", 300), ("labelled", 800),
               ("shipped", 10000), ("delivered", 3000))
SMALLEST = sum(n for _, n in OPEN_ORDERS) + 10_000
N_SKUS = 2000
CARRIERS = (("SF", "顺丰速运"), ("YTO", "圆通速递"), ("ZTO", "中通快递"))
CHANNELS = (("tmall", "天猫旗舰店", "taobao"), ("jd", "京东自营", "manual"), ("web", "Web shop", "shopify"))
PASSWORD = "bench-pass-1"
ROLES = ("admin", "supervisor", "reviewer", "picker", "packer", "dock")

# The path an order walks; its timeline holds one row per step up to its status.
PATHS = {
    "imported": ["imported"], "on_hold": ["imported", "on_hold"], "approved": ["imported", "approved"],
    "backorder": ["imported", "approved", "backorder"],
    "allocated": ["imported", "approved", "allocated"],
    "waved": ["imported", "approved", "allocated", "waved"],
    "picking": ["imported", "approved", "allocated", "waved", "picking"],
    "picked": ["imported", "approved", "allocated", "waved", "picking", "picked"],
    "packed": ["imported", "approved", "allocated", "waved", "picking", "picked", "packed"],
    "labelled": ["imported", "approved", "allocated", "waved", "picking", "picked", "packed", "labelled"],
    "shipped": ["imported", "approved", "allocated", "waved", "picking", "picked", "packed", "labelled", "shipped"],
    "delivered": ["imported", "approved", "allocated", "waved", "picking", "picked", "packed", "labelled", "shipped",
                  "delivered"],
    "completed": ["imported", "approved", "allocated", "waved", "picking", "picked", "packed", "labelled", "shipped",
                  "completed"],
    "returned": ["imported", "approved", "allocated", "waved", "picking", "picked", "packed", "labelled", "shipped",
                 "returned"],
    "cancelled": ["imported", "approved", "cancelled"],
}
WITH_PARCEL = ("packed", "labelled", "shipped", "delivered", "completed", "returned")
TRACKED = ("shipped", "delivered", "completed", "returned")


def build(db, n_orders, log):
    """Fill an empty schema with `n_orders` orders of history and their dependants."""
    if n_orders < SMALLEST:
        raise SystemExit(f"--orders must be at least {SMALLEST:,} (the open backlog alone is {SMALLEST - 10_000:,})")
    warehouse_id = _reference_rows(db)
    db.session.commit()
    raw = db.engine.raw_connection()
    try:
        for name, sql in _bulk_steps(n_orders, warehouse_id):
            log(name)
            raw.cursor().execute(sql)  # no parameters: psycopg2 leaves the % of `i % 100` alone
            raw.commit()
        log("vacuum analyze")
        raw.driver_connection.autocommit = True
        raw.cursor().execute("VACUUM ANALYZE")
    finally:
        raw.close()
    return warehouse_id


def _reference_rows(db):
    from wms.auth.models import User
    from wms.orders.models import Channel
    from wms.inventory.models import Bin, Warehouse
    from wms.inventory.warehouses import generate_demo_layout
    from wms.shipping.models import Carrier

    for role in ROLES:
        user = User(username=f"bench-{role}", display_name=role.title(), role=role, locale="zh_CN")
        user.set_password(PASSWORD)
        db.session.add(user)
    db.session.add_all([Carrier(code=code, name=name, cutoffs=["16:00", "20:00"]) for code, name in CARRIERS])
    db.session.add_all([Channel(code=code, name=name, platform=platform) for code, name, platform in CHANNELS])
    warehouse = Warehouse(code="HZ1", name="杭州一仓", n_aisles=20, n_blocks=2, aisle_length_m=40.0)
    db.session.add(warehouse)
    db.session.commit()
    generate_demo_layout(warehouse.id, levels=4)
    bins = db.session.scalars(select(Bin.id).where(Bin.warehouse_id == warehouse.id)).all()
    if len(bins) < N_SKUS:
        raise SystemExit(f"the bench layout has {len(bins)} bins, fewer than its {N_SKUS} SKUs")
    return warehouse.id


def _paths_values():
    return ", ".join(f"('{status}', ARRAY[{', '.join(repr(s) for s in path)}]::text[])"
                     for status, path in PATHS.items())


def _status_sql(n_orders):
    """CASE giving each order id its status: the newest ids walk OPEN_ORDERS, older ones are history."""
    cases, upper = [], n_orders
    for status, count in OPEN_ORDERS:
        cases.append(f"WHEN i > {upper - count} THEN '{status}'")
        upper -= count
    cases += ["WHEN i % 100 IN (0, 1) THEN 'cancelled'", "WHEN i % 100 = 2 THEN 'returned'"]
    return "CASE " + " ".join(cases) + " ELSE 'completed' END"


def _bulk_steps(n, warehouse_id):
    year = timedelta(days=365).total_seconds()
    created = f"(now() AT TIME ZONE 'UTC') - interval '{year} seconds' * (1 - i::float8 / {n})"
    parcel_states = ", ".join(f"'{s}'" for s in WITH_PARCEL)
    tracked_states = ", ".join(f"'{s}'" for s in TRACKED)
    yield "skus", f"""
        INSERT INTO skus (code, name, weight_g, length_mm, width_mm, height_mm, active, created_at, updated_at)
        SELECT 'SKU-' || lpad(i::text, 5, '0'), '商品 ' || i, 100 + i % 900, 100 + i % 200, 80, 50, true, now(), now()
        FROM generate_series(1, {N_SKUS}) i;
        INSERT INTO sku_barcodes (sku_id, barcode) SELECT id, '69' || lpad(id::text, 11, '0') FROM skus;
        UPDATE bins SET zone_id = (SELECT id FROM zones WHERE warehouse_id = {warehouse_id} LIMIT 1);
        INSERT INTO zones (warehouse_id, code, name) VALUES ({warehouse_id}, 'COLD', '冷库');
        UPDATE bins SET zone_id = (SELECT id FROM zones WHERE code = 'COLD') WHERE aisle >= 16;"""
    yield "stock", f"""
        INSERT INTO stock_items (bin_id, sku_id, on_hand, reserved, first_received_at, updated_at)
        SELECT b.id, s.id, CASE WHEN s.id % 10 = 0 THEN 3 ELSE 500 + s.id % 400 END, 0, now(), now()
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM skus) s
        JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM bins) b ON b.k = s.k
        UNION ALL
        SELECT b.id, s.id, 200, 0, now(), now()
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM skus) s
        JOIN (SELECT id, row_number() OVER (ORDER BY id DESC) AS k FROM bins) b ON b.k = s.k
        WHERE s.k % 2 = 0;
        INSERT INTO stock_movements (kind, warehouse_id, bin_id, sku_id, qty, reason, reference, actor_name, at)
        SELECT 'receive', {warehouse_id}, bin_id, sku_id, on_hand, '', 'PO-' || id, 'bench', now() FROM stock_items;"""
    yield "orders", f"""
        INSERT INTO orders (id, channel_id, external_id, status, version, buyer_name, buyer_phone, buyer_email, country,
            province, city, district, address, postcode, total_cents, currency, payment_status, buyer_remark,
            seller_note, tags, priority, carrier_code, hold_reasons, flags, ordered_at, created_at, updated_at)
        SELECT i, 1 + i % 3, 'E' || (100000000 + i * 7), {_status_sql(n)}, 1,
            (ARRAY['王','李','张','刘','陈','杨','赵','黄'])[1 + i % 8] || (ARRAY['伟','芳','娜','敏','静','磊'])[1 + i % 6]
                || (i % 997), '+86138' || lpad((i % 100000000)::text, 8, '0'), '', 'CN', '浙江省', '杭州市', '西湖区',
            '文三路 ' || (i % 300) || ' 号', '310012', 1000 + i % 50000, 'CNY', 'paid', '', '', '[]',
            CASE WHEN i % 17 = 0 THEN 1 ELSE 0 END, (ARRAY['SF','YTO','ZTO'])[1 + i % 3], '[]', '[]',
            {created}, {created}, {created}
        FROM generate_series(1, {n}) i;
        UPDATE orders SET hold_reasons = CASE WHEN id % 2 = 0
            THEN '[{{"code": "address", "detail": "district missing"}}]'::json
            ELSE '[{{"code": "stock_short", "detail": "short pick"}}]'::json END WHERE status = 'on_hold';
        INSERT INTO review_hold_codes (order_id, code)
        SELECT id, CASE WHEN id % 2 = 0 THEN 'address' ELSE 'stock_short' END FROM orders WHERE status = 'on_hold';
        SELECT setval(pg_get_serial_sequence('orders', 'id'), {n});"""
    yield "order_lines", f"""
        INSERT INTO order_lines (order_id, sku_id, sku_code, name, qty, unit_price_cents)
        SELECT o.id, s, 'SKU-' || lpad(s::text, 5, '0'), '商品 ' || s, 1 + (o.id + k) % 2 * (o.id % 3), 1990
        FROM orders o, generate_series(0, o.id % 3) k,
             LATERAL (SELECT 1 + (o.id * 31 + k * 617) % {N_SKUS} AS s) pick;"""
    yield "order_events", f"""
        INSERT INTO order_events (order_id, at, kind, from_state, to_state, reason, actor_name)
        SELECT o.id, o.created_at + interval '37 minutes' * k, CASE WHEN k = 1 THEN 'import' ELSE 'state' END,
            p.path[greatest(k - 1, 1)], p.path[k], CASE WHEN k = 1 THEN 'imported from file' ELSE '' END, 'system'
        FROM orders o JOIN (VALUES {_paths_values()}) AS p(status, path) ON p.status = o.status,
             generate_series(1, array_length(p.path, 1)) k;"""
    yield "allocations", f"""
        INSERT INTO order_allocations (order_id, warehouse_id, allocated_at)
        SELECT id, {warehouse_id}, created_at FROM orders
        WHERE status IN ('allocated', 'waved', 'picking', 'picked', 'packed', 'labelled');
        INSERT INTO reservations (order_id, order_line_id, stock_item_id, qty, created_at)
        SELECT l.order_id, l.id, si.id, l.qty, now()
        FROM order_lines l JOIN orders o ON o.id = l.order_id
        JOIN LATERAL (SELECT id FROM stock_items WHERE sku_id = l.sku_id ORDER BY id LIMIT 1) si ON true
        WHERE o.status IN ('allocated', 'waved', 'picking', 'picked', 'packed', 'labelled');
        UPDATE stock_items si SET on_hand = si.on_hand + r.qty, reserved = r.qty
        FROM (SELECT stock_item_id, sum(qty) AS qty FROM reservations GROUP BY stock_item_id) r
        WHERE r.stock_item_id = si.id;"""
    yield "waves", f"""
        INSERT INTO waves (id, code, warehouse_id, status, criteria, orders_count, lines_count, distance_m,
                           fcfs_distance_m, created_by, released_at, done_at)
        SELECT w, 'W' || lpad(w::text, 7, '0'), {warehouse_id}, 'done', '{{}}', 400, 800, 900, 1200, 'bench',
               now() - interval '1 hour' * w, now() - interval '1 hour' * w
        FROM generate_series(1, {n // 400 + 1}) w;
        SELECT setval(pg_get_serial_sequence('waves', 'id'), {n // 400 + 1});
        INSERT INTO pick_tasks (code, wave_id, warehouse_id, kind, status, distance_m, orders_count, version, created_at)
        SELECT 'W' || lpad(w::text, 7, '0') || '-' || lpad(t::text, 3, '0'), w, {warehouse_id}, 'multi', 'done', 120, 8, 1,
               now() - interval '1 hour' * w
        FROM generate_series(1, {n // 400 + 1}) w, generate_series(1, 50) t;"""
    yield "parcels", f"""
        INSERT INTO parcels (id, order_id, carrier_code, status, tracking_number, carton_code, weight_g, station_code,
            waybill_error, sealed_at, labelled_at, shipped_at, paper, expected_weight_g, carrier_order_id, sort_code,
            package_centre, waybill_attempts)
        SELECT o.id, o.id, o.carrier_code,
            CASE o.status WHEN 'packed' THEN (CASE WHEN o.id % 10 = 0 THEN 'waybill_failed' ELSE 'sealed' END)
                          WHEN 'labelled' THEN 'labelled' ELSE 'shipped' END,
            CASE WHEN o.status = 'packed' THEN NULL ELSE o.carrier_code || (7000000000 + o.id * 13) END,
            'C2', 800, 'PACK-' || (1 + o.id % 4), CASE WHEN o.status = 'packed' AND o.id % 10 = 0
                THEN 'address refused by the carrier' ELSE '' END,
            o.created_at + interval '4 hours', o.created_at + interval '4 hours', o.created_at + interval '6 hours',
            '100x150', 800, '', '', '', 1
        FROM orders o WHERE o.status IN ({parcel_states});
        SELECT setval(pg_get_serial_sequence('parcels', 'id'), (SELECT max(id) FROM parcels));"""
    yield "manifests", f"""
        INSERT INTO manifests (code, carrier_code, status, opened_by, opened_at, closed_by, closed_at, parcel_count)
        SELECT c || '-' || d, c, 'closed', 'bench', now() - interval '1 day' * d, 'bench', now() - interval '1 day' * d, 0
        FROM generate_series(1, 366) d, unnest(ARRAY['SF','YTO','ZTO']) c;
        INSERT INTO manifest_parcels (manifest_id, parcel_id, order_id, tracking_number, weight_g, scanned_by, scanned_at)
        SELECT m.id, p.id, p.order_id, p.tracking_number, p.weight_g, 'bench', p.shipped_at
        FROM parcels p JOIN manifests m
          ON m.code = p.carrier_code || '-' || greatest(1, least(366, extract(day FROM now() - p.shipped_at)::int))
        WHERE p.status = 'shipped';"""
    yield "tracking", f"""
        INSERT INTO tracked_parcels (tracking_number, carrier_code, parcel_id, order_id, shipped_at, last_status,
            last_description, last_event_at, last_polled_at, poll_error, active, acknowledged_at)
        SELECT p.tracking_number, p.carrier_code, p.id, p.order_id, p.shipped_at,
            CASE WHEN o.status = 'returned' THEN 'returned' WHEN p.id % 2000 = 7 THEN 'exception'
                 WHEN o.status = 'shipped' THEN 'in_transit' ELSE 'delivered' END,
            CASE WHEN p.id % 2000 = 7 THEN '派送不成功: 收件人拒收' ELSE '已签收' END,
            p.shipped_at + interval '2 days', p.shipped_at + interval '2 days', '',
            o.status = 'shipped',
            CASE WHEN p.shipped_at < now() - interval '30 days' THEN p.shipped_at + interval '3 days' END
        FROM parcels p JOIN orders o ON o.id = p.order_id WHERE o.status IN ({tracked_states});
        INSERT INTO tracking_events (tracking_number, carrier_code, order_id, at, status, raw_status, description,
                                     location, source, raw, received_at)
        SELECT t.tracking_number, t.carrier_code, t.order_id, t.shipped_at + interval '1 day' * k,
            CASE WHEN k = 1 THEN 'in_transit' ELSE t.last_status END, '', '', '杭州', 'webhook', '{{}}',
            t.shipped_at + interval '1 day' * k
        FROM tracked_parcels t, generate_series(1, 2) k;
        INSERT INTO writeback_tasks (order_id, channel_id, carrier_code, tracking_number, trigger, status, attempts,
            last_error, next_attempt_at, done_at, result, created_at)
        SELECT t.order_id, o.channel_id, t.carrier_code, t.tracking_number, 'handover',
            CASE WHEN t.id % 5000 = 3 THEN 'failed' ELSE 'done' END, 1,
            CASE WHEN t.id % 5000 = 3 THEN 'channel refused: order closed' ELSE '' END,
            NULL, t.shipped_at, '{{}}', t.shipped_at
        FROM tracked_parcels t JOIN orders o ON o.id = t.order_id;"""
    yield "returns", f"""
        INSERT INTO return_receipts (order_id, warehouse_id, reference, note, received_by, received_at)
        SELECT id, {warehouse_id}, 'RT' || id, '', 'bench', created_at + interval '10 days'
        FROM orders WHERE status = 'returned';
        INSERT INTO intercepts (order_id, reason, source, state_at_intercept, action, status, put_back, detail,
                                created_by, created_at)
        SELECT id, 'buyer asked', 'channel', 'approved', 'cancel', 'done', '[]', '', 'bench', created_at
        FROM orders WHERE status = 'cancelled' AND id % 10 = 0;"""
    yield "jobs", f"""
        INSERT INTO queued_jobs (func, args, queue, status, attempts, last_error, created_at, enqueued_at, started_at,
                                 finished_at)
        SELECT 'wms.shipping.jobs.request_waybill', json_build_array(p.id), 'labels', 'done', 1, '',
               p.sealed_at, p.sealed_at, p.sealed_at, p.sealed_at
        FROM parcels p;
        INSERT INTO import_jobs (actor_name, channel_id, source, filename, path, mapping, lines_mapping, status,
            rows_total, rows_done, orders_done, created, updated, unchanged, failed, held, duplicate, orphans, preset,
            error_count, errors, message, created_at, started_at, finished_at)
        SELECT 'bench', 1 + d % 3, 'file', 'orders-' || d || '.csv', '', '{{}}', '{{}}', 'done', 3000, 3000, 2700,
               2700, 0, 0, 0, 0, 0, 0, '', 0, '[]', '', now() - interval '1 day' * d, now() - interval '1 day' * d,
               now() - interval '1 day' * d
        FROM generate_series(1, 365) d;"""
