"""import_order_records: idempotent per channel + external id, never half an order."""
import pytest
from sqlalchemy import func, select

from tests.builders import make_channel, make_sku, make_user
from tests.builders_imports import no_review, record  # noqa: F401
from wms import job_names
from wms.extensions import db
from wms.imports import review_queue, services
from wms.orders.models import Order, OrderLine
from wms.worker import QueuedJob

pytestmark = pytest.mark.usefixtures("no_review")


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_new_order_is_created_imported_with_an_import_event_naming_the_source(app):
    channel = make_channel()
    make_sku("SKU-1")
    result = services.import_order_records(channel.id, [record()], source="shopify")
    assert (result.created, result.failed) == (1, 0)
    order = db.session.get(Order, result.order_ids[0])
    assert order.status == "imported" and order.external_id == "A1" and order.buyer_name == "张三"
    assert [(l.sku_code, l.qty, l.unit_price_cents, l.sku_id is not None) for l in order.lines] == [
        ("SKU-1", 2, 3300, True)]
    assert [(e.kind, e.to_state, e.reason) for e in order.events] == [("import", "imported", "Imported from shopify")]
    assert order.events[0].wording == {"text": "Imported from {source}", "values": {"source": "shopify"}}


def test_lines_match_skus_by_code_or_any_barcode_and_unknown_ones_stay_unmatched(app):
    channel = make_channel()
    sku = make_sku("SKU-1", barcodes=("6901234567892",))
    result = services.import_order_records(channel.id, [record(lines=(("6901234567892", 1, 100), ("NOPE", 1, 100)))])
    lines = db.session.scalars(select(OrderLine).where(OrderLine.order_id == result.order_ids[0])).all()
    assert [(l.sku_code, l.sku_id) for l in lines] == [("6901234567892", sku.id), ("NOPE", None)]


def test_importing_the_same_order_again_is_unchanged_and_never_a_duplicate(app):
    channel = make_channel()
    first = services.import_order_records(channel.id, [record()])
    again = services.import_order_records(channel.id, [record()])
    assert (again.created, again.unchanged) == (0, 1)
    assert again.results[0].order_id == first.order_ids[0] and again.order_ids == []
    assert count(Order) == 1 and count(OrderLine) == 1


def test_the_same_external_id_in_another_channel_is_another_order(app):
    web, shop = make_channel("web"), make_channel("shop")
    services.import_order_records(web.id, [record()])
    assert services.import_order_records(shop.id, [record()]).created == 1


def test_a_changed_editable_order_is_updated_with_a_timeline_note(app):
    channel = make_channel()
    user = make_user("reviewer")
    order_id = services.import_order_records(channel.id, [record()]).order_ids[0]
    changed = record(address="文三路 100 号", lines=(("SKU-1", 3, 3300),))
    result = services.import_order_records(channel.id, [changed], source="file x.csv", actor=user)
    assert (result.updated, result.results[0].outcome, result.order_ids) == (1, "updated", [order_id])
    order = db.session.get(Order, order_id)
    assert order.address == "文三路 100 号" and [l.qty for l in order.lines] == [3]
    note = order.events[-1]
    assert note.kind == "import" and "address" in note.reason and "lines" in note.reason
    assert note.actor_name == user.username and order.version == 2


def test_a_changed_order_already_on_the_floor_fails_with_a_reason_and_is_left_alone(app):
    channel = make_channel()
    order_id = services.import_order_records(channel.id, [record()]).order_ids[0]
    order = db.session.get(Order, order_id)
    order.status = "picking"
    db.session.commit()
    result = services.import_order_records(channel.id, [record(address="elsewhere")])
    outcome = result.results[0]
    assert (result.failed, outcome.outcome, outcome.order_id) == (1, "failed", order_id)
    assert outcome.errors[0]["reason"].startswith("order already picking; change it in review")
    db.session.expire_all()
    assert db.session.get(Order, order_id).address == "文三路 90 号"
    assert services.import_order_records(channel.id, [record()]).unchanged == 1


def test_a_bad_record_fails_with_field_and_reason_and_nothing_of_it_is_written(app):
    channel = make_channel()
    bad = record("B1", lines=(("SKU-1", 0, 100),), buyer_phone=13800138000)
    result = services.import_order_records(channel.id, [bad, record("A2")])
    assert (result.created, result.failed) == (1, 1)
    assert sorted((e["field"], e["reason"]) for e in result.results[0].errors) == [
        ("buyer_phone", "Not a valid string."), ("lines.0.qty", "Must be greater than or equal to 1.")]
    assert db.session.scalar(select(Order).where(Order.external_id == "B1")) is None
    assert count(OrderLine) == 1


def test_the_same_order_twice_in_one_batch_is_imported_once(app):
    channel = make_channel()
    result = services.import_order_records(channel.id, [record(), record()])
    assert (result.created, result.failed) == (1, 1)
    assert "twice" in result.results[1].errors[0]["reason"]


def test_review_is_enqueued_after_commit_in_chunks_of_at_most_1000(app, monkeypatch):
    monkeypatch.setattr(review_queue, "review_available", lambda: True)
    app.config["RQ_SYNC"] = False  # keep the jobs in the outbox (no Redis): we only look at them
    app.config["REDIS_URL"] = None
    channel = make_channel()
    result = services.import_order_records(channel.id, [record(f"A{i}") for i in range(1500)])
    jobs = db.session.scalars(select(QueuedJob).order_by(QueuedJob.id)).all()
    assert [job.func for job in jobs] == [job_names.REVIEW_ORDERS] * 2
    assert [len(job.args[0]) for job in jobs] == [1000, 500]
    assert sorted(jobs[0].args[0] + jobs[1].args[0]) == sorted(result.order_ids)


def test_an_unchanged_reimport_enqueues_no_review(app, monkeypatch):
    channel = make_channel()
    services.import_order_records(channel.id, [record()])
    monkeypatch.setattr(review_queue, "review_available", lambda: True)
    app.config["RQ_SYNC"] = False
    services.import_order_records(channel.id, [record()])
    assert count(QueuedJob) == 0


def test_an_unknown_channel_is_a_clear_error(app):
    from wms.errors import NotFound

    with pytest.raises(NotFound):
        services.import_order_records(999, [record()])
    assert count(Order) == 0
