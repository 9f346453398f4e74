"""Marshmallow schemas of the channels JSON API (documented in the OpenAPI spec)."""
from marshmallow import INCLUDE, Schema, fields


class SyncStarted(Schema):
    job_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "The job's state (wms.outbox.STATUSES)"})
    already_queued = fields.Boolean(required=True, metadata={"description": "A sync was already waiting or running"})


class SyncJob(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(required=True, allow_none=True)
    created_at = fields.String(required=True, allow_none=True, metadata={"description": "ISO 8601, UTC (Z)"})
    finished_at = fields.String(required=True, allow_none=True)


class SyncStatus(Schema):
    channel_id = fields.Integer(required=True)
    code = fields.String(required=True)
    platform = fields.String(required=True, metadata={"description": "manual, shopify, taobao"})
    cursor = fields.String(required=True, allow_none=True, metadata={"description": "The last update seen by a sync"})
    running = fields.Boolean(required=True)
    last_synced_at = fields.String(required=True, allow_none=True)
    job = fields.Nested(SyncJob, required=True, allow_none=True, metadata={"description": "The latest sync job"})


class TaobaoPush(Schema):
    """A TMC message as Taobao posts it (application/x-www-form-urlencoded), signed with the app secret."""

    class Meta:
        unknown = INCLUDE

    topic = fields.String(metadata={"description": "e.g. taobao_trade_TradeCreate"})
    content = fields.String(metadata={"description": "The message JSON as text (tid, status, seller_nick...)"})
    message_id = fields.String()
    user_id = fields.String()
    user_nick = fields.String()
    pub_time = fields.String()
    app_key = fields.String(required=True)
    timestamp = fields.String(required=True, metadata={"description": "yyyy-MM-dd HH:mm:ss, GMT+8"})
    sign_method = fields.String(metadata={"enum": ["md5", "hmac", "hmac-sha256"]})
    sign = fields.String(required=True, metadata={"description": "Upper-case hex of the TOP signature"})


class TaobaoPushAnswer(Schema):
    success = fields.Boolean(required=True)
    topic = fields.String(required=True)
    message_id = fields.String(required=True, allow_none=True)
    duplicate = fields.Boolean(metadata={"description": "This message id was received before: acknowledged only"})
    ignored = fields.Boolean(metadata={"description": "Not a trade or refund topic (or the channel is inactive)"})
    sync_job_id = fields.Integer(metadata={"description": "The channel's sync job this message started or joined"})
    already_queued = fields.Boolean()
