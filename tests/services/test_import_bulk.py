"""The bulk insert stores exactly what the ORM would (on PostgreSQL through COPY; run these with
TEST_DATABASE_URL=postgresql://... too): awkward text, NULL next to empty text, JSON, times; ids
reserved up front are the ids the rows get."""
from datetime import datetime

from sqlalchemy import select

from tests.builders import make_channel
from wms.extensions import db
from wms.imports import bulk
from wms.imports.inserting import ORDER_COLUMNS
from wms.orders.models import Order

AWKWARD = ['a,b', 'say "hi"', "two\nlines", "tab\there", "back\\slash", "\\N", "", " padded ", "收件人",
           "<script>alert(1)</script>", "\r\n"]


def order_row(order_id, channel_id, number, text, **values):
    base = {"channel_id": channel_id, "external_id": f"B{number}", "status": "imported", "version": 1,
            "hold_reasons": [], "flags": [], "created_at": datetime(2026, 11, 22, 1, 2, 3, 456789),
            "updated_at": datetime(2026, 11, 22, 1, 2, 3), "ordered_at": None, "buyer_name": text,
            "buyer_phone": "", "buyer_email": "", "country": "CN", "province": text, "city": "", "district": "",
            "address": text, "postcode": "", "total_cents": number, "currency": "CNY", "payment_status": "paid",
            "buyer_remark": text, "seller_note": "", "tags": [text] if text else [], "priority": 0,
            "carrier_code": None, "ship_by": None, "presale_ship_from": None, "cash_on_delivery": number % 3 == 1,
            "invoice_requested": number % 2 == 1}
    base.update(values)
    return (order_id,) + tuple(base[c] for c in ORDER_COLUMNS)


def test_awkward_text_null_and_json_round_trip_through_the_bulk_insert(app):
    channel = make_channel()
    ids = bulk.reserve_ids(Order.__table__, len(AWKWARD))
    rows = [order_row(order_id, channel.id, n, text, ordered_at=datetime(2026, 11, 20, 2, 30) if n % 2 else None)
            for n, (order_id, text) in enumerate(zip(ids, AWKWARD))]
    bulk.insert_rows(Order.__table__, ("id",) + ORDER_COLUMNS, rows)
    db.session.commit()
    stored = {o.id: o for o in db.session.scalars(select(Order)).all()}
    assert sorted(stored) == sorted(ids)
    for n, (order_id, text) in enumerate(zip(ids, AWKWARD)):
        order = stored[order_id]
        assert (order.buyer_name, order.address, order.buyer_remark, order.province) == (text, text, text, text)
        assert order.tags == ([text] if text else []) and order.hold_reasons == []
        assert order.carrier_code is None and order.seller_note == ""
        assert order.ordered_at == (datetime(2026, 11, 20, 2, 30) if n % 2 else None)
        assert order.created_at == datetime(2026, 11, 22, 1, 2, 3, 456789)
        assert (order.cash_on_delivery, order.invoice_requested) == (n % 3 == 1, n % 2 == 1)


def test_empty_text_in_a_nullable_column_stays_empty_text_not_null(app):
    channel = make_channel()
    (order_id,) = bulk.reserve_ids(Order.__table__, 1)
    bulk.insert_rows(Order.__table__, ("id",) + ORDER_COLUMNS, [order_row(order_id, channel.id, 1, "x", carrier_code="")])
    db.session.commit()
    assert db.session.get(Order, order_id).carrier_code == ""


def test_reserved_ids_follow_the_existing_orders_and_never_repeat(app):
    channel = make_channel()
    first = bulk.reserve_ids(Order.__table__, 3)
    bulk.insert_rows(Order.__table__, ("id",) + ORDER_COLUMNS, [order_row(i, channel.id, i, "x") for i in first])
    second = bulk.reserve_ids(Order.__table__, 2)
    assert len(set(first + second)) == 5 and min(second) > max(first)
    assert bulk.find_ids(Order.__table__, "channel_id", channel.id, "external_id", [f"B{i}" for i in first] + ["nope"]) \
        == {f"B{i}": i for i in first}


def test_order_numbers_with_quotes_commas_braces_and_backslashes_are_found(app):
    channel = make_channel()
    numbers = ['q"uote', "com,ma", "{brace}", "back\\slash", "NULL", "订单 1", "o'brien"]
    ids = bulk.reserve_ids(Order.__table__, len(numbers))
    bulk.insert_rows(Order.__table__, ("id",) + ORDER_COLUMNS,
                     [order_row(i, channel.id, n, "x", external_id=number) for n, (i, number) in
                      enumerate(zip(ids, numbers))])
    assert bulk.find_ids(Order.__table__, "channel_id", channel.id, "external_id", numbers + ["null", "com"]) \
        == dict(zip(numbers, ids))


def test_a_chunk_larger_than_one_copy_block_arrives_whole_and_in_order(app, monkeypatch):
    channel = make_channel()
    ids = bulk.reserve_ids(Order.__table__, 1203)
    bulk.insert_rows(Order.__table__, ("id",) + ORDER_COLUMNS,
                     [order_row(i, channel.id, n, f"名{n}") for n, i in enumerate(ids)])
    db.session.commit()
    stored = dict(db.session.execute(select(Order.id, Order.buyer_name)).all())
    assert stored == {i: f"名{n}" for n, i in enumerate(ids)}


def test_rows_alike_but_for_their_key_are_inserted_once_per_key_with_the_same_values(app):
    from wms.imports.inserting import EVENT_COLUMNS
    from wms.orders.models import OrderEvent

    channel = make_channel()
    ids = bulk.reserve_ids(Order.__table__, 3)
    bulk.insert_rows(Order.__table__, ("id",) + ORDER_COLUMNS, [order_row(i, channel.id, i, "x") for i in ids])
    at = datetime(2026, 11, 22, 1, 2, 3, 456789)
    said = {"text": "from {source}", "values": {"source": '"a,b"\\'}}
    bulk.insert_for_each(OrderEvent.__table__, "order_id", ids, EVENT_COLUMNS[1:],
                         (at, "import", "imported", "imported", 'from "a,b"\\', said, None, "system"))
    db.session.commit()
    events = db.session.execute(select(OrderEvent.order_id, OrderEvent.at, OrderEvent.reason, OrderEvent.wording,
                                       OrderEvent.actor_id).order_by(OrderEvent.order_id)).all()
    assert events == [(i, at, 'from "a,b"\\', said, None) for i in sorted(ids)]
