"""An after-sales case's refund sent to Shopify over real HTTP against the sandbox (Refund resource): made once
even when the job runs again, refused clearly when Shopify refuses it, and the buyer's notice asked for."""
import pytest
from sqlalchemy import select

from tests.builders import make_order
from tests.builders_channels import make_shopify_channel
from wms.aftersales import case_states as cs
from wms.aftersales import cases
from wms.aftersales.refund_steps import send_refund
from wms.aftersales.case_models import AfterSalesCase
from wms.channels import case_refunds
from wms.channels.sandbox.shopify import start_in_thread
from wms.channels.sandbox.shopify_seed import FIRST_ID
from wms.extensions import db
from wms.worker import QueuedJob


@pytest.fixture
def sandbox():
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def order(app, sandbox):
    channel = make_shopify_channel(sandbox.base_url)
    return make_order(channel=channel, external_id=str(FIRST_ID), status="delivered", total_cents=100_000,
                      lines=(("TEA", 1),))


def shopify_refunds(sandbox):
    return sandbox.state.orders[FIRST_ID].get("refunds") or []


def test_a_refund_sent_to_shopify_is_made_once_and_the_case_is_refunded(order, sandbox):
    case = cases.open_case(order.id, cs.REFUND_ONLY, reason="arrived late", refund_cents=150)
    before = len(shopify_refunds(sandbox))
    send_refund(case.id, actor="reviewer")     # the job runs after commit (RQ_SYNC)
    db.session.expire_all()
    case = db.session.get(AfterSalesCase, case.id)
    assert (case.state, case.refund_status) == (cs.REFUNDED, cs.REFUND_DONE)
    made = shopify_refunds(sandbox)[before:]
    assert len(made) == 1 and made[0]["transactions"][0]["amount"] == "1.50"
    assert f"wms-case-{case.id}" in made[0]["note"] and str(made[0]["id"]) in case.refund_reference
    # the job run again (a lost answer): the refund is found, not made twice
    case.refund_status = cs.REFUND_SENT
    db.session.commit()
    assert case_refunds.send(case.id) == "refunded"
    assert len(shopify_refunds(sandbox)) == before + 1
    notices = db.session.scalars(select(QueuedJob).where(QueuedJob.func == "wms.tracking.jobs.notify_buyers")).all()
    assert [job.args[1] for job in notices] == ["refund_done", "refund_done"]


def test_a_refund_shopify_refuses_goes_back_to_be_made_with_its_reason(order, sandbox):
    sandbox.state.orders[FIRST_ID]["total_price"] = "1.00"
    case = cases.open_case(order.id, cs.REFUND_ONLY, reason="broken", refund_cents=500)
    send_refund(case.id)
    db.session.expire_all()
    case = db.session.get(AfterSalesCase, case.id)
    assert (case.state, case.refund_status) == (cs.OPEN, cs.REFUND_PENDING)
    assert "refused" in case.events[-1].text and "422" in case.events[-1].text
    assert all(f"wms-case-{case.id}" not in (r.get("note") or "") for r in shopify_refunds(sandbox))
