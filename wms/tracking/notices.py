"""Telling the buyer that the order shipped (email), unless the channel notifies its own buyers.

A BuyerNotice row per order makes the job idempotent: a re-run (rq retry, outbox requeue) of an
email already sent does nothing. SMTP failures are recorded on the row and re-raised, so the job
shows as failed at /admin/jobs and rq retries it.
"""
import logging

from flask import current_app
from sqlalchemy import select

from wms import aftercommit
from wms.extensions import db
from wms.orders.models import Order
from wms.timeutil import utcnow
from wms.tracking import notify
from wms.tracking.models import BuyerNotice
from wms.worker import enqueue
from wms.wording import wording

log = logging.getLogger("wms.tracking.notices")

JOB = "wms.tracking.jobs.email_buyer_shipped"


def request_shipped_notice(order, carrier_name, tracking_number):
    """Queue the shipped email (after commit) unless the channel tells its own buyers. No commit."""
    if order.channel is not None and order.channel.notifies_buyers:
        return None
    exists = db.session.scalar(select(BuyerNotice.id).where(
        BuyerNotice.order_id == order.id, BuyerNotice.kind == "shipped"))
    if exists:
        return None
    notice = BuyerNotice(order_id=order.id, kind="shipped", to_address=(order.buyer_email or "").strip())
    db.session.add(notice)
    db.session.flush()
    enqueue(JOB, notice.id, carrier_name, tracking_number)
    return notice


def email_buyer_shipped(notice_id, carrier_name, tracking_number):
    """Send one shipped email; skipped without an address or SMTP host; sent at most once."""
    notice = db.session.get(BuyerNotice, notice_id)
    if notice is None or notice.status in ("sent", "skipped"):
        return notice and notice.status
    config = current_app.config
    if not notice.to_address or not config.get("SMTP_HOST"):
        notice.status = "skipped"
        notice.last_error = "the buyer gave no email address" if not notice.to_address else "SMTP_HOST is not set"
        aftercommit.commit()
        return notice.status
    order = db.session.get(Order, notice.order_id)
    message = notify.shipped_email(
        to=notice.to_address, sender=config["MAIL_FROM"], order=order.external_id, carrier=carrier_name,
        tracking=tracking_number, name=order.buyer_name, locale=config.get("DEFAULT_LOCALE", "zh_CN"))
    notice.attempts += 1
    try:
        notify.send(message, host=config["SMTP_HOST"], port=config["SMTP_PORT"], user=config.get("SMTP_USER", ""),
                    password=config.get("SMTP_PASSWORD", ""), starttls=config.get("SMTP_STARTTLS", False))
    except Exception as error:
        notice.status, notice.last_error = "failed", f"{type(error).__name__}: {error}"[:2000]
        aftercommit.commit()
        raise
    notice.status, notice.sent_at, notice.last_error = "sent", utcnow(), ""
    order.note(wording("shipping email sent to the buyer ({number})", number=tracking_number), kind="notice")
    aftercommit.commit()
    return notice.status
