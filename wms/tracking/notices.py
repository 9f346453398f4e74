"""Telling buyers what happens to their orders: by email (SMTP) and by text message (Aliyun SMS).

Each store (channel) chooses per event which media reach its buyers (Channel.settings["buyer_notices"],
the Buyer notices page); a store that chose nothing sends the shipped email, unless its platform tells its
own buyers (Channel.notifies_buyers). A BuyerNotice row per order, event and medium (unique) makes every
notice go at most once: a re-run job, a second request or two racing ones find the row and send nothing.

Sending is a job. A temporary failure (SMTP or network trouble, the provider's rate limits) is recorded and
raised, so the job row retries it with backoff; a permanent one (a wrong number, a template the provider
refuses, an empty account) is recorded and not retried; no address, no configured provider, or a phone the
platform masked is `skipped` with the reason. Every sent notice is on the order's timeline.

Lower features (allocation's shortage) ask by the job's name: `enqueue(job_names.NOTIFY_BUYERS, order_ids, event)`.
"""
import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from wms import aftercommit, job_names
from wms.extensions import db
from wms.orders.models import Channel, Order
from wms.rows import get_or_not_found
from wms.timeutil import utcnow
from wms.tracking import notice_texts, notify
from wms.tracking.aliyun_sms import AliyunSms, SmsError
from wms.tracking.models import BuyerNotice
from wms.worker import enqueue
from wms.wording import english, wording

log = logging.getLogger("wms.tracking.notices")

SENT, FAILED, SKIPPED, PENDING = "sent", "failed", "skipped", "pending"
EVENT_WORDS = {
    "shipped": "the order shipped", "shortage": "a shortage delays the order",
    "out_for_delivery": "the parcel is out for delivery", "exchange_shipped": "the exchange shipped",
    "refund_done": "the refund is done",
}
MEDIUM_WORDS = {"email": "by email", "sms": "by text message"}


def request_notice(order, event, **values):
    """Queue the notices the order's store chose for `event` (sent after commit), each at most once per order
    and medium. No commit; the new rows."""
    channel = order.channel
    media = notice_texts.chosen_media(channel.settings if channel else {}, event,
                                      bool(channel and channel.notifies_buyers))
    made = []
    for medium in media:
        if db.session.scalar(select(BuyerNotice.id).where(BuyerNotice.order_id == order.id,
                                                          BuyerNotice.kind == event, BuyerNotice.medium == medium)):
            continue
        to = ((order.buyer_email or "").strip() if medium == "email"
              else notice_texts.sms_number(order.buyer_phone, order.country) or "")
        notice = BuyerNotice(order_id=order.id, kind=event, medium=medium, to_address=to[:255],
                             details={"order": order.external_id, "name": order.buyer_name, **_plain(values)})
        try:
            with db.session.begin_nested():  # a racing request made the row first: it sends, this one does not
                db.session.add(notice)
                db.session.flush()
        except IntegrityError:
            continue
        enqueue(job_names.SEND_BUYER_NOTICE, notice.id)
        made.append(notice)
    return made


def request_shipped_notice(order, carrier_name, tracking_number):
    """At handover: the shipped notices. No commit."""
    return request_notice(order, "shipped", carrier=carrier_name, tracking=tracking_number)


def notify_buyers(order_ids, event, values=None):
    """The job lower features enqueue by name: `event`'s notices for these orders. Commits; how many were queued."""
    if event not in notice_texts.EVENTS:
        raise ValueError(f"unknown buyer notice event {event!r}")
    made = 0
    for order in db.session.scalars(select(Order).where(Order.id.in_(list(order_ids)))):
        made += len(request_notice(order, event, **(values or {})))
    aftercommit.commit()
    return made


def send_buyer_notice(notice_id):
    """Send one notice (a job); sent at most once. Returns the row's status."""
    notice = db.session.get(BuyerNotice, notice_id)
    if notice is None or notice.status in (SENT, SKIPPED) or (notice.status == FAILED and not _retryable(notice)):
        return notice and notice.status
    config = current_app.config
    locale = config.get("DEFAULT_LOCALE", "zh_CN")
    why_not = _why_not(notice, config)
    if why_not:  # the reason in English for logs and APIs, its wording for the page in the reader's language
        notice.status, notice.last_error = SKIPPED, english(why_not)
        notice.details = {**notice.details, "skipped": why_not}
        aftercommit.commit()
        return SKIPPED
    notice.attempts += 1
    try:
        provider_id, text = (_email(notice, config, locale) if notice.medium == "email"
                             else _text_message(notice, config, locale))
    except SmsError as error:
        return _failed(notice, f"{error.code}: {error.message}", error.temporary, error)
    except Exception as error:  # SMTP and network trouble: tried again later
        return _failed(notice, f"{type(error).__name__}: {error}", True, error)
    notice.status, notice.sent_at, notice.last_error = SENT, utcnow(), ""
    notice.provider_id, notice.text = provider_id[:64], text
    order = db.session.get(Order, notice.order_id)
    order.note(wording("buyer told {medium}: {event}", medium=wording(MEDIUM_WORDS[notice.medium]),
                       event=wording(EVENT_WORDS[notice.kind])), kind="notice")
    aftercommit.commit()
    return SENT


def recent_notices(limit=200):
    """The newest notices with their orders: what the Buyer notices page lists."""
    return db.session.execute(select(BuyerNotice, Order.external_id).join(Order, Order.id == BuyerNotice.order_id)
                              .order_by(BuyerNotice.id.desc()).limit(limit)).all()


def _why_not(notice, config):
    """Why the notice cannot go (a wording; None when it can)."""
    if notice.medium == "email":
        if not notice.to_address:
            return wording("the buyer gave no email address")
        return None if config.get("SMTP_HOST") else wording("`{setting}` is not set", setting="SMTP_HOST")
    if not notice.to_address:
        return wording("no mobile number a text can reach (the platform masks it, or it is none)")
    for setting in ("ALIYUN_SMS_URL", "ALIYUN_SMS_KEY_ID", "ALIYUN_SMS_SIGN_NAME"):
        if not config.get(setting):
            return wording("`{setting}` is not set", setting=setting)
    if (config.get("ALIYUN_SMS_TEMPLATES") or {}).get(notice.kind):
        return None
    return wording("`{setting}` is not set", setting=f"ALIYUN_SMS_TEMPLATE_{notice.kind.upper()}")


def _email(notice, config, locale):
    subject, body = notice_texts.email_text(notice.kind, notice.details, locale)
    message = notify.email(to=notice.to_address, sender=config["MAIL_FROM"], subject=subject, body=body)
    notify.send(message, host=config["SMTP_HOST"], port=config["SMTP_PORT"], user=config.get("SMTP_USER", ""),
                password=config.get("SMTP_PASSWORD", ""), starttls=config.get("SMTP_STARTTLS", False))
    return str(message["Message-ID"] or ""), f"{subject}\n\n{body}"


def _text_message(notice, config, locale):
    client = AliyunSms(config["ALIYUN_SMS_URL"], config.get("ALIYUN_SMS_KEY_ID", ""),
                       config.get("ALIYUN_SMS_KEY_SECRET", ""), config.get("ALIYUN_SMS_SIGN_NAME", ""))
    biz_id = client.send(notice.to_address, config["ALIYUN_SMS_TEMPLATES"][notice.kind],
                         notice_texts.sms_variables(notice.kind, notice.details, locale), out_id=notice.id)
    return biz_id, notice_texts.sms_preview(notice.kind, notice.details, locale)


def _failed(notice, reason, temporary, error):
    notice.status, notice.last_error = FAILED, (reason if temporary else f"permanent: {reason}")[:2000]
    aftercommit.commit()
    log.warning("buyer notice failed", extra={"notice_id": notice.id, "temporary": temporary})
    if temporary:
        raise error
    return FAILED


def _retryable(notice):
    return not notice.last_error.startswith("permanent:")


def _plain(values):
    return {key: ("" if value is None else str(value)) for key, value in values.items()}


def send_queued_before_details(notice_id, **values):
    """A shipped email queued by the old job, whose row has no template values: given them, then sent."""
    notice = db.session.get(BuyerNotice, notice_id)
    if notice is not None and not notice.details:
        order = db.session.get(Order, notice.order_id)
        notice.details = {"order": order.external_id, "name": order.buyer_name, **_plain(values)}
        db.session.commit()
    return send_buyer_notice(notice_id)


def stores_and_choices():
    """Every active store with the media it sends per event (what the Buyer notices page shows)."""
    stores = db.session.scalars(select(Channel).where(Channel.active.is_(True)).order_by(Channel.code)).all()
    return [(store, {event: notice_texts.chosen_media(store.settings, event, store.notifies_buyers)
                     for event in notice_texts.EVENTS}) for store in stores]


def set_choices(channel_id, form, actor=None):
    """A supervisor's choice of which events reach one store's buyers and how. Commits; the store."""
    store = get_or_not_found(Channel, channel_id, "No such channel")
    store.settings = {**(store.settings or {}), "buyer_notices": notice_texts.choices_from_form(form)}
    log.info("buyer notice choices saved", extra={"channel": store.code, "by": getattr(actor, "username", None)})
    db.session.commit()
    return store
