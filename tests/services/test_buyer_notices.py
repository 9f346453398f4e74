"""Buyer notices (issue 21 item 6): each store's chosen events reach its buyers by email (a local SMTP sink) and
by text message (the Aliyun SMS sandbox over real HTTP, signature checked), at most once per order, event and
medium; a permanent refusal is not retried, a temporary one is; masked phones are skipped; each sent notice is
on the order's timeline."""
import pytest
from sqlalchemy import func, select

from tests.builders import make_channel, make_order, make_sku
from wms import aftercommit
from wms.extensions import db
from wms.orders.models import OrderEvent
from wms.tracking import notices
from wms.tracking.models import BuyerNotice
from wms.tracking.notices_sandbox import DEMO_KEY_ID, DEMO_KEY_SECRET, DEMO_TEMPLATES, AliyunSmsSandbox, SmtpSink

EVERYTHING = {"buyer_notices": {event: ["email", "sms"] for event in DEMO_TEMPLATES}}


@pytest.fixture
def providers(app):
    sms, sink = AliyunSmsSandbox(slow_s=0.5).start(), SmtpSink().start()
    app.config.update(SMTP_HOST=sink.host, SMTP_PORT=sink.port, MAIL_FROM="shop@wms.test", ALIYUN_SMS_URL=sms.url,
                      ALIYUN_SMS_KEY_ID=DEMO_KEY_ID, ALIYUN_SMS_KEY_SECRET=DEMO_KEY_SECRET,
                      ALIYUN_SMS_SIGN_NAME="仓库通知", ALIYUN_SMS_TEMPLATES=dict(DEMO_TEMPLATES))
    yield sms, sink
    sms.stop()
    sink.stop()


def _order(settings=EVERYTHING, **fields):
    channel = make_channel(code=fields.pop("channel_code", "shop"), settings=settings)
    return make_order(channel=channel, buyer_email="buyer@example.com", **fields)


def _ask(order, event="shipped", **values):
    made = notices.request_notice(order, event, **{"carrier": "顺丰速运", "tracking": "SF100200300", **values})
    aftercommit.commit()  # the send jobs run inline after commit (RQ_SYNC)
    return made


def test_a_store_that_chose_both_media_tells_the_buyer_by_email_and_by_text_once(app, providers):
    sms, sink = providers
    order = _order()
    assert len(_ask(order)) == 2
    assert _ask(order) == []  # asked again (a second handover, a re-run): nothing new
    assert len(sink.messages) == 1 and len(sms.received) == 1
    text = sms.received[0]
    assert text["phone"] == "13800138000" and text["template"] == DEMO_TEMPLATES["shipped"]
    assert text["variables"] == {"name": "张*", "order": "1001", "carrier": "顺丰速运", "tracking": "SF100200300"}
    assert text["out_id"] == str(db.session.scalar(select(BuyerNotice.id).where(BuyerNotice.medium == "sms")))
    mail = sink.messages[0]
    assert mail["To"] == "buyer@example.com" and "1001" in mail["Subject"] and "SF100200300" in mail.get_content()
    assert "张三" not in mail.get_content()
    rows = db.session.scalars(select(BuyerNotice).order_by(BuyerNotice.medium)).all()
    assert [(r.medium, r.status) for r in rows] == [("email", "sent"), ("sms", "sent")]
    assert rows[1].provider_id == text["biz_id"] and "1001" in rows[1].text
    notes = db.session.scalars(select(OrderEvent.wording).where(OrderEvent.order_id == order.id,
                                                                 OrderEvent.kind == "notice")).all()
    assert len(notes) == 2


def test_a_re_run_of_a_sent_notice_sends_nothing(app, providers):
    sms, _sink = providers
    order = _order(settings={"buyer_notices": {"shipped": ["sms"]}})
    notice = _ask(order)[0]
    assert notices.send_buyer_notice(notice.id) == "sent"
    assert len(sms.received) == 1


def test_a_masked_phone_is_skipped_with_the_reason_and_the_email_still_goes(app, providers):
    sms, sink = providers
    order = _order(buyer_phone="138****8000")
    _ask(order)
    rows = {r.medium: r for r in db.session.scalars(select(BuyerNotice))}
    assert rows["sms"].status == "skipped" and "masks" in rows["sms"].last_error
    assert rows["email"].status == "sent" and sms.received == [] and len(sink.messages) == 1


def test_a_wrong_number_is_a_permanent_refusal_never_retried(app, providers):
    sms, _sink = providers
    order = _order(settings={"buyer_notices": {"shipped": ["sms"]}})
    sms.fail_next("illegal_number")
    notice = _ask(order)[0]
    db.session.refresh(notice)
    assert notice.status == "failed" and notice.last_error.startswith("permanent: isv.MOBILE_NUMBER_ILLEGAL")
    assert notices.send_buyer_notice(notice.id) == "failed"  # a re-run does not try again
    assert sms.received == []


def test_a_rate_limit_is_temporary_the_job_fails_and_its_retry_sends(app, providers):
    sms, _sink = providers
    order = _order(settings={"buyer_notices": {"shipped": ["sms"]}})
    sms.fail_next("limit")
    notice = _ask(order)[0]
    db.session.refresh(notice)
    assert notice.status == "failed" and notice.last_error.startswith("isv.BUSINESS_LIMIT_CONTROL")
    from wms.worker import QueuedJob

    job = db.session.scalar(select(QueuedJob).where(QueuedJob.func.like("%send_buyer_notice")))
    assert job.status == "failed" and job.retry_at is not None  # the job row retries it
    assert notices.send_buyer_notice(notice.id) == "sent"
    assert len(sms.received) == 1


def test_a_forged_or_misconfigured_key_is_refused_by_the_provider_and_recorded(app, providers):
    sms, _sink = providers
    app.config["ALIYUN_SMS_KEY_SECRET"] = "not-the-secret"
    order = _order(settings={"buyer_notices": {"shipped": ["sms"]}})
    notice = _ask(order)[0]
    db.session.refresh(notice)
    assert notice.status == "failed" and "SignatureDoesNotMatch" in notice.last_error
    assert notice.last_error.startswith("permanent:") and sms.received == []


def test_no_sms_provider_or_template_means_skipped_not_failed(app, providers):
    app.config["ALIYUN_SMS_TEMPLATES"] = {**DEMO_TEMPLATES, "shipped": ""}
    order = _order(settings={"buyer_notices": {"shipped": ["sms"], "out_for_delivery": ["sms"]}})
    notice = _ask(order)[0]
    db.session.refresh(notice)
    assert notice.status == "skipped" and "ALIYUN_SMS_TEMPLATE_SHIPPED" in notice.last_error
    app.config["ALIYUN_SMS_SIGN_NAME"] = ""
    notice = _ask(order, "out_for_delivery")[0]
    db.session.refresh(notice)
    assert notice.status == "skipped" and "ALIYUN_SMS_SIGN_NAME" in notice.last_error


def test_a_store_that_chose_nothing_for_an_event_sends_nothing(app, providers):
    sms, sink = providers
    order = _order(settings={"buyer_notices": {"shipped": ["email"]}})
    assert _ask(order, "out_for_delivery") == []
    assert db.session.scalar(select(func.count(BuyerNotice.id))) == 0 and sms.received == [] and sink.messages == []


def test_a_shortage_at_allocation_tells_the_buyer_once(app, providers):
    from wms.inventory.allocating import allocate_orders
    from wms.orders import states

    sms, _sink = providers
    make_sku("SKU-1")
    order = _order(settings={"buyer_notices": {"shortage": ["sms"]}}, status=states.APPROVED)
    allocate_orders([order.id])
    allocate_orders([order.id])  # still short: no second notice
    db.session.expire_all()
    assert db.session.get(type(order), order.id).status == states.BACKORDER
    assert [m["template"] for m in sms.received] == [DEMO_TEMPLATES["shortage"]]


def test_out_for_delivery_from_the_carrier_tells_the_buyer(app, providers):
    from datetime import datetime

    from wms.shipping.carriers.base import OUT_FOR_DELIVERY, TrackingEvent
    from wms.tracking import services as tracking

    sms, _sink = providers
    order = _order(settings={"buyer_notices": {"out_for_delivery": ["sms"]}}, status="shipped")
    tracking.start_tracking(order.id, None, "SF", "SF777", shipped_at=datetime(2026, 12, 1))
    db.session.commit()
    event = TrackingEvent(tracking_number="SF777", at=datetime(2026, 12, 2, 8), status=OUT_FOR_DELIVERY,
                          description="派件中")
    tracking.record_events("SF", [event])
    tracking.record_events("SF", [event])
    assert [(m["template"], m["variables"]["tracking"]) for m in sms.received] == [
        (DEMO_TEMPLATES["out_for_delivery"], "SF777")]


def test_an_unknown_event_is_refused_before_anything_is_written(app):
    order = _order()
    with pytest.raises(ValueError):
        notices.notify_buyers([order.id], "birthday")
    assert db.session.scalar(select(func.count(BuyerNotice.id))) == 0


def test_the_sandbox_inbox_lists_the_texts_and_emails_buyers_received(app):
    import requests

    sink = SmtpSink().start()
    sms = AliyunSmsSandbox(mailbox=sink).start()
    app.config.update(SMTP_HOST=sink.host, SMTP_PORT=sink.port, ALIYUN_SMS_URL=sms.url, ALIYUN_SMS_KEY_ID=DEMO_KEY_ID,
                      ALIYUN_SMS_KEY_SECRET=DEMO_KEY_SECRET, ALIYUN_SMS_SIGN_NAME="仓库通知",
                      ALIYUN_SMS_TEMPLATES=dict(DEMO_TEMPLATES))
    try:
        _ask(_order())
        inbox = requests.get(f"{sms.url}/inbox", timeout=5).json()
    finally:
        sms.stop()
        sink.stop()
    assert [m["phone"] for m in inbox["messages"]] == ["13800138000"]
    assert [m["to"] for m in inbox["emails"]] == ["buyer@example.com"] and "1001" in inbox["emails"][0]["subject"]
