"""TMC messages as Taobao's message service pushes them over HTTP, signed like an API call, for tests and the TOP
sandbox's /_sandbox/tmc control; the receiver is wms.channels.taobao_push.
"""
import itertools
import json
from datetime import datetime

import requests

from wms.channels.sandbox.taobao_seed import SELLER_USER_ID, SHOP_NICK
from wms.channels.sandbox.taobao_store import DEFAULT_APP_KEY, DEFAULT_SECRET
from wms.channels.taobao_protocol import TOP_TZ, format_top_time, sign_request

_message_ids = itertools.count(1)


def tmc_message(topic, content, *, app_key=DEFAULT_APP_KEY, secret=DEFAULT_SECRET, sign_method="md5",
                timestamp=None, message_id=None):
    """The form fields of a TMC message pushed over HTTP, signed like an API call (see
    wms.channels.taobao_push): topic, content (JSON text), message_id, user_id, user_nick,
    pub_time, app_key, timestamp, sign_method, sign."""
    now = format_top_time(datetime.now(TOP_TZ))
    fields = {"topic": topic, "content": content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
              "message_id": str(message_id or next(_message_ids)), "user_id": str(SELLER_USER_ID),
              "user_nick": SHOP_NICK, "pub_time": now, "app_key": app_key, "timestamp": timestamp or now,
              "sign_method": sign_method}
    fields["sign"] = sign_request(fields, secret, sign_method)
    return fields


def push_tmc_message(url, topic, content, *, app_key=DEFAULT_APP_KEY, secret=DEFAULT_SECRET, **options):
    """POST a signed TMC message (form-encoded) to `url`; the receiver's response."""
    return requests.post(url, data=tmc_message(topic, content, app_key=app_key, secret=secret, **options), timeout=10)
