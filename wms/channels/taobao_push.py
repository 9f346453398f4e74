"""Taobao message-service (TMC) pushes: verify the signature, then sync the channel.

TOP's message service delivers topics such as `taobao_trade_TradeCreate`, `taobao_trade_TradeClose`,
`taobao_trade_TradeSellerShip`, `taobao_trade_TradeBuyerPay` or `taobao_refund_RefundCreated`.
We receive them as an HTTP POST (application/x-www-form-urlencoded) to
`/api/channels/<code>/taobao/push` with the fields

    topic, content (the message JSON as text: tid, status, seller_nick...), message_id, user_id,
    user_nick, pub_time, app_key, timestamp ("yyyy-MM-dd HH:mm:ss", GMT+8), sign_method, sign

Signature scheme (the TOP API signature applied to the pushed fields): every posted field except
`sign`, sorted by name, concatenated name+value; `sign_method` md5 = MD5(secret + string + secret),
hmac = HMAC-MD5(key=secret, string), hmac-sha256 = HMAC-SHA256(key=secret, string); upper-case
hex, compared in constant time; the secret is the channel's `app_secret`.
A push is refused (401, nothing changes) when the sign is missing or wrong, the app_key is not the
channel's, or `timestamp` is more than `push_max_age_seconds` (600) away from now (replays). Within
that window every accepted push's signature is remembered (push_receipts, kept twice the window):
the same signed push again is refused (409 `push_replayed`), and a message id already received
under another signature is acknowledged without acting on it (`duplicate`).

An accepted trade or refund message enqueues a sync of the channel (`request_sync`, which answers
the job already waiting instead of queueing a second one): the sync imports from the cursor, so a
burst of messages costs one pull and a lost message costs nothing but latency (the scheduled sync
still runs). Other topics are acknowledged and ignored.
"""
import hmac
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from wms.channels import services
from wms.channels.models import PushReceipt
from wms.channels.taobao_protocol import parse_top_time, verify_signature
from wms.errors import DomainError, NotFound
from wms.extensions import db
from wms.orders.models import Channel
from wms.timeutil import utcnow

log = logging.getLogger("wms.channels.taobao.push")

MAX_AGE_SECONDS = 600
SYNC_TOPICS = ("taobao_trade_", "taobao_refund_", "taobao_fenxiao_")


class PushRefused(DomainError):
    """The push is not from the platform (bad signature, app key or stale timestamp)."""

    status, code = 401, "push_refused"


class PushReplayed(DomainError):
    """The same signed push was already received: someone is replaying it."""

    status, code = 409, "push_replayed"


def receive_push(channel_code, fields, *, now=None):
    """Verify one pushed message for the channel and act on it; {"success", "topic", "sync_job_id"...}."""
    channel = db_channel(channel_code)
    settings = channel.settings or {}
    secret = settings.get("app_secret")
    if not secret:
        raise PushRefused("This channel has no app secret to verify pushes with")
    if not hmac.compare_digest(str(fields.get("app_key") or ""), str(settings.get("app_key") or "")):
        raise PushRefused("The push names another app key")
    if not verify_signature(fields, secret):
        log.warning("taobao push with a bad signature", extra={"channel": channel.code, "topic": fields.get("topic")})
        raise PushRefused("Invalid signature")
    max_age = int(settings.get("push_max_age_seconds") or MAX_AGE_SECONDS)
    _check_fresh(fields.get("timestamp"), max_age, now)
    topic = str(fields.get("topic") or "")
    answer = {"success": True, "topic": topic, "message_id": fields.get("message_id")}
    if not _first_receipt(channel, fields, max_age):
        answer["duplicate"] = True
    elif topic.startswith(SYNC_TOPICS) and channel.active:
        job, is_new = services.request_sync(channel.id)
        answer.update(sync_job_id=job.id, already_queued=not is_new)
    else:
        answer["ignored"] = True
    db.session.commit()
    return answer


def _first_receipt(channel, fields, max_age):
    """Remember this push; refuse its signature seen before (PushReplayed); False for a message id
    already received under another signature (the platform re-signed a redelivery)."""
    sign = str(fields.get("sign") or "").upper()[:128]
    message_id = str(fields.get("message_id") or "")[:64] or None
    received = utcnow()
    db.session.execute(delete(PushReceipt).where(
        PushReceipt.received_at < received - timedelta(seconds=2 * max_age)))
    if db.session.scalar(select(PushReceipt.id).where(PushReceipt.channel_id == channel.id, PushReceipt.sign == sign)):
        _replayed(channel, fields)
    seen = message_id is not None and db.session.scalar(select(PushReceipt.id).where(
        PushReceipt.channel_id == channel.id, PushReceipt.message_id == message_id)) is not None
    try:
        with db.session.begin_nested():
            db.session.add(PushReceipt(channel_id=channel.id, sign=sign, message_id=message_id, received_at=received))
    except IntegrityError:  # the same push, at the same moment, through another process
        _replayed(channel, fields)
    return not seen


def _replayed(channel, fields):
    db.session.rollback()
    log.warning("taobao push replayed", extra={"channel": channel.code, "message_id": fields.get("message_id")})
    raise PushReplayed("This push was already received (a replay)")


def db_channel(code):
    """The Taobao channel with this code, or NotFound."""
    channel = db.session.scalar(select(Channel).where(Channel.code == (code or "").strip()))
    if channel is None or channel.platform != "taobao":
        raise NotFound("No Taobao channel with this code", channel=code)
    return channel


def _check_fresh(timestamp, max_age, now=None):
    try:
        sent = parse_top_time(str(timestamp or ""))
    except ValueError:
        raise PushRefused("The push has no valid timestamp") from None
    now = now or datetime.now(timezone.utc)
    if abs((now - sent).total_seconds()) > max_age:
        raise PushRefused("The push is too old (or from the future)")
