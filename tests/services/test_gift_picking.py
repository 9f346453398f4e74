"""A gift line goes to the floor like any line and says it is a gift: the handheld's task marks it,
the paper pick list names it 赠品 Gift."""
from sqlalchemy import select

from tests import pdf_checks
from tests.builders import make_channel, make_order, make_user
from tests.builders_picking import stocked_warehouse
from tests.builders_review import reload
from wms.catalog.models import Sku
from wms.extensions import db
from wms.picking import queries, services, waves
from wms.picking.models import PickTask
from wms.review import services as review
from wms.review.gift_models import GiftRule


def gift_task():
    warehouse, _skus = stocked_warehouse()
    gift = db.session.scalar(select(Sku).where(Sku.code == "SKU-5"))
    db.session.add(GiftRule(name="Free SKU-5", gift_sku_ids=[gift.id]))
    db.session.commit()
    order = make_order(channel=make_channel(), external_id="GIFT-PICK", lines=(("SKU-0", 2),))
    review.review_orders([order.id])   # approved, the gift added, allocated after the commit (jobs run inline)
    assert reload(order).status == "allocated", reload(order).status
    services.release_wave(warehouse.id, limits=waves.WaveLimits(tote_slots=8), time_budget=0.05)
    task = services.assign_next_task(make_user("picker", "picker1"), "dev-1")
    db.session.expire_all()
    return db.session.get(PickTask, task.id)


def test_the_handhelds_task_marks_the_gift_line(app):
    payload = queries.task_payload(gift_task())
    assert sorted((line["sku"]["code"], line["qty"], line["gift"]) for line in payload["lines"]) == [
        ("SKU-0", 2, False), ("SKU-5", 1, True)]


@pdf_checks.needs_poppler
def test_the_paper_pick_list_names_the_gift_line(app):
    task = gift_task()
    _name, pdf = queries.pick_list_pdf(task.id, "Asia/Shanghai")
    text = pdf_checks.text(pdf)
    assert "赠品 Gift · 商品 5" in text and text.count("赠品 Gift") == 1
