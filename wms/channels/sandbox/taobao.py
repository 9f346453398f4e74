"""A local Taobao Open Platform (TOP) gateway: `/router/rest` speaking the TOP HTTP protocol with
signature, app key and session checks, `taobao.trades.sold.increment.get` (modified windows of at
most a day, page_no/page_size, use_has_next, field selection), `taobao.trades.sold.get`,
`taobao.logistics.offline.send` (recorded), stock by `taobao.skus.quantity.update` (up to 20 SKUs of one
item, all or nothing) and `taobao.item.quantity.update` (full or
incremental, item or SKU; an unknown item or SKU is refused with isv.item-not-exist / isv.sku-not-exist)
and `taobao.skus.custom.get` (SKUs by merchant code), refunds by `taobao.refunds.receive.get` and
`taobao.refund.get` (wms.channels.sandbox.taobao_refunds: none until a test opens one), call-limit faults (error code 7), plus /_sandbox/
endpoints tests use to change it, and `push_tmc_message` to push a signed TMC message to a URL.

    python -m wms.channels.sandbox.taobao --port 8705

Channel settings to point at it: {"gateway_url": "http://127.0.0.1:8705", "app_key": "12345678",
"app_secret": "sandbox-secret", "session": "6100sandboxsession", "initial_since": "2026-11-18T00:00:00Z"}.
"""
import argparse
import copy
import itertools
import json
import threading
from datetime import datetime, timedelta

import requests
from flask import Flask, jsonify, request

from wms.channels.sandbox import serve_in_thread, taobao_refunds
from wms.channels.sandbox.taobao_seed import (
    FIRST_TID, ITEMS, SEED, SELLER_USER_ID, SHOP_NICK, build_trade, seed_trades)
from wms.channels.taobao_protocol import SIGN_METHODS, TOP_TZ, format_top_time, parse_top_time, sign_request

DEFAULT_APP_KEY = "12345678"
DEFAULT_SECRET = "sandbox-secret"
DEFAULT_SESSION = "6100sandboxsession"
MAX_PAGE_SIZE = 100
SHIPPABLE = {"WAIT_SELLER_SEND_GOODS", "SELLER_CONSIGNED_PART"}


def _error(code, msg, sub_code=None, sub_msg=None):
    body = {"code": code, "msg": msg, "request_id": "sandbox"}
    if sub_code:
        body["sub_code"] = sub_code
    if sub_msg:
        body["sub_msg"] = sub_msg
    return {"error_response": body}


class TopStore:
    """The sandbox shop's state; every method holds the lock (the server is threaded)."""

    def __init__(self, app_key=DEFAULT_APP_KEY, app_secret=DEFAULT_SECRET, session=DEFAULT_SESSION, seed=True):
        self.app_key, self.app_secret, self.session = app_key, app_secret, session
        self.lock = threading.RLock()
        self.trades = {t["tid"]: t for t in (seed_trades() if seed else [])}
        self.faults = []       # [ban seconds] answered as code 7 (App Call Limited), in turn
        self.requests = []     # [dict of posted params] of every /router/rest call
        self.shipments = []    # what logistics.offline.send recorded
        self.refunds = {}      # refund_id -> refund (wms.channels.sandbox.taobao_refunds)
        self._tids = itertools.count(FIRST_TID + len(SEED) + 100)
        self.items = {}        # num_iid -> {"num": qty, "outer_id", "skus": {sku_id: {"quantity", "outer_id"}}}
        for num_iid, sku_id, _title, _price, outer_iid, outer_sku_id in ITEMS.values():
            self.add_item(num_iid, sku_id, outer_sku_id or outer_iid, 100)

    def add_item(self, num_iid, sku_id=None, outer_id="", quantity=0):
        """An item (and one SKU of it) in stock; the item's num is the sum of its SKUs'."""
        with self.lock:
            item = self.items.setdefault(int(num_iid), {"num": 0, "outer_id": "" if sku_id else outer_id, "skus": {}})
            if sku_id:
                item["skus"][int(sku_id)] = {"quantity": int(quantity), "outer_id": outer_id}
                item["num"] = sum(s["quantity"] for s in item["skus"].values())
            else:
                item["num"] = int(quantity)

    def set_quantity(self, num_iid, sku_id, quantity, incremental):
        """(answer item, None) or (None, error) for item.quantity.update."""
        with self.lock:
            item = self.items.get(num_iid)
            if item is None:
                return None, _error(15, "Remote service error", "isv.item-not-exist", f"商品 {num_iid} 不存在")
            target = item if sku_id is None else item["skus"].get(sku_id)
            if target is None:
                return None, _error(15, "Remote service error", "isv.sku-not-exist", f"SKU {sku_id} 不存在")
            field = "num" if sku_id is None else "quantity"
            new = target[field] + quantity if incremental else quantity
            if new < 0 or (not incremental and quantity < 0):
                return None, _error(15, "Remote service error", "isv.invalid-parameter:quantity", "库存不能小于0")
            target[field] = new
            if sku_id is not None:
                item["num"] = sum(s["quantity"] for s in item["skus"].values())
            stamp = self.tick()
            answer = {"iid": str(num_iid), "num_iid": num_iid, "num": item["num"], "modified": stamp}
            if sku_id is not None:
                answer["skus"] = {"sku": [{"sku_id": sku_id, "quantity": new, "modified": stamp}]}
            return answer, None

    def skus_by_outer_id(self, outer_id):
        with self.lock:
            return [{"sku_id": sku_id, "num_iid": num_iid, "iid": str(num_iid), "outer_id": sku["outer_id"],
                     "quantity": sku["quantity"]}
                    for num_iid, item in self.items.items() for sku_id, sku in item["skus"].items()
                    if sku["outer_id"] == outer_id]

    def tick(self):
        """Now in Beijing time, never before a `modified` so far (TOP stamps in seconds, so several
        trades may share one; never in the future, which a client's window would not reach yet)."""
        latest = max((parse_top_time(t["modified"]) for t in self.trades.values()), default=None)
        now = datetime.now(TOP_TZ).replace(microsecond=0)
        if latest and now < latest:
            now = latest
        return format_top_time(now)

    def add_trade(self, fields=None):
        """A new trade from a seed shape (`seed`: index), created and modified now, then `fields`."""
        with self.lock:
            fields = dict(fields or {})
            spec = SEED[int(fields.pop("seed", 0)) % len(SEED)]
            stamp = self.tick()
            trade = build_trade(next(self._tids), spec, created=stamp, modified=stamp)
            trade.update(fields)
            self.trades[trade["tid"]] = trade
            return copy.deepcopy(trade)

    def modify_trade(self, tid, fields):
        """Change fields of a trade (status, receiver_*, buyer_message...) and stamp a new modified."""
        with self.lock:
            trade = self.trades.get(int(tid))
            if trade is None:
                return None
            trade.update(fields)
            if fields.get("status", "").startswith("TRADE_CLOSED"):
                for order in trade["orders"]["order"]:
                    order["status"] = fields["status"]
            trade["modified"] = self.tick()
            return copy.deepcopy(trade)

    def window(self, start, end):
        """Trades modified in [start, end] (inclusive), newest change first like TOP."""
        with self.lock:
            rows = [t for t in self.trades.values() if start <= parse_top_time(t["modified"]) <= end]
            rows.sort(key=lambda t: (parse_top_time(t["modified"]), t["tid"]), reverse=True)
            return copy.deepcopy(rows)

    def ship(self, tid, out_sid, company_code):
        """Offline shipment of a trade awaiting it; (shipment, None) or (None, error answer)."""
        with self.lock:
            trade = self.trades.get(tid)
            if trade is None:
                return None, _error(15, "Remote service error", "isv.logistics-offline-service-error:B01",
                                    f"交易 {tid} 不存在")
            if trade["status"] not in SHIPPABLE:
                return None, _error(15, "Remote service error", "isv.logistics-offline-service-error:B04",
                                    f"订单状态为 {trade['status']}，不能发货")
            stamp = self.tick()
            trade.update(status="WAIT_BUYER_CONFIRM_GOODS", consign_time=stamp, modified=stamp)
            for order in trade["orders"]["order"]:
                if order["status"] in SHIPPABLE:
                    order["status"] = "WAIT_BUYER_CONFIRM_GOODS"
            shipment = {"tid": tid, "out_sid": out_sid, "company_code": company_code, "at": stamp}
            self.shipments.append(shipment)
            return dict(shipment), None


def _select(trade, fields):
    """Only the requested fields (top level, and orders.x for sub-orders), like TOP."""
    top = {f for f in fields if "." not in f}
    sub = {f.split(".", 1)[1] for f in fields if f.startswith("orders.")}
    out = {k: v for k, v in trade.items() if k in top and k != "orders"}
    if sub or "orders" in top:
        out["orders"] = {"order": [{k: v for k, v in o.items() if "orders" in top or k in sub}
                                   for o in trade["orders"]["order"]]}
    return out


def _shape(trades, simplify):
    if simplify:
        for trade in trades:
            if "orders" in trade:
                trade["orders"] = trade["orders"]["order"]
        return trades
    return {"trade": trades}


def create_app(store=None):
    """The sandbox's Flask app around a TopStore (a fresh seeded one by default)."""
    store = store or TopStore()
    app = Flask(__name__)
    app.config["store"] = store
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    @app.route("/router/rest", methods=["GET", "POST"])
    def router():
        params = {**request.args.to_dict(), **request.form.to_dict()}
        with store.lock:
            store.requests.append(dict(params))
        refusal = _check_system_params(store, params)
        if refusal:
            return jsonify(refusal)
        with store.lock:
            if store.faults:
                seconds = store.faults.pop(0)
                return jsonify(_error(7, "App Call Limited", "accesscontrol.limited-by-app-access-count",
                                      f"This ban will last for {seconds} more seconds"))
        handler = METHODS.get(params["method"])
        if handler is None:
            return jsonify(_error(22, "Invalid method", "isv.invalid-method", params["method"]))
        body = handler(store, params)
        if "error_response" in body:
            return jsonify(body)
        if params.get("simplify") == "true":
            return jsonify(body)
        return jsonify({params["method"].replace("taobao.", "", 1).replace(".", "_") + "_response": body})

    _install_controls(app, store)
    return app


def _check_system_params(store, params):
    for name, code in (("method", 21), ("app_key", 28), ("sign", 24), ("timestamp", 31), ("v", 32)):
        if not params.get(name):
            return _error(code, f"Missing required arguments:{name}", f"isv.missing-parameter:{name}")
    if params["app_key"] != store.app_key:
        return _error(29, "Invalid app Key", "isv.appkey-not-exists")
    method = params.get("sign_method") or "md5"
    if method not in SIGN_METHODS:
        return _error(25, "Invalid signature", "isv.invalid-signature-method")
    if sign_request(params, store.app_secret, method) != params["sign"].upper():
        return _error(25, "Invalid signature")
    try:
        sent = parse_top_time(params["timestamp"])
    except ValueError:
        return _error(31, "Invalid timestamp")
    if abs((datetime.now(TOP_TZ) - sent).total_seconds()) > 600:
        return _error(31, "Invalid timestamp", "isv.invalid-timestamp", "时间戳与服务器时间相差超过10分钟")
    if not params.get("session"):
        return _error(26, "Missing session", "isv.missing-session")
    if params["session"] != store.session:
        return _error(27, "Invalid session", "invalid-sessionkey", "SessionKey非法")
    return None


def _page_args(params):
    try:
        page_no, page_size = int(params.get("page_no") or 1), int(params.get("page_size") or 40)
    except ValueError:
        return None, _error(41, "Invalid arguments:page_no", "isv.invalid-parameter:page_no")
    if page_no < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        return None, _error(41, "Invalid arguments:page_size", "isv.invalid-parameter:page_size",
                            f"page_size 取值范围 1-{MAX_PAGE_SIZE}")
    return (page_no, page_size), None


def _page(params, rows):
    if not params.get("fields"):
        return _error(40, "Missing required arguments:fields", "isv.missing-parameter:fields")
    paging, error = _page_args(params)
    if error:
        return error
    page_no, page_size = paging
    if params.get("status"):
        rows = [t for t in rows if t["status"] == params["status"]]
    chunk = rows[(page_no - 1) * page_size: page_no * page_size]
    fields = [f.strip() for f in params["fields"].split(",") if f.strip()]
    body = {"trades": _shape([_select(t, fields) for t in chunk], params.get("simplify") == "true")}
    if params.get("use_has_next") == "true":
        body["has_next"] = len(rows) > page_no * page_size
    else:
        body["total_results"] = len(rows)
    return body


def _time_range(params, start_name, end_name, max_span):
    try:
        start, end = parse_top_time(params.get(start_name) or ""), parse_top_time(params.get(end_name) or "")
    except ValueError:
        return None, _error(41, f"Invalid arguments:{start_name},{end_name}", "isv.invalid-parameter",
                            "时间格式应为 yyyy-MM-dd HH:mm:ss")
    if end < start or (max_span and end - start > max_span):
        return None, _error(41, f"Invalid arguments:{start_name},{end_name}", "isv.invalid-parameter",
                            f"{start_name} 与 {end_name} 相差不能超过一天，且结束时间不能早于开始时间")
    return (start, end), None


def increment_get(store, params):
    span, error = _time_range(params, "start_modified", "end_modified", timedelta(days=1))
    return error or _page(params, store.window(*span))


def sold_get(store, params):
    """taobao.trades.sold.get: by created time (default the last 3 months), newest first."""
    if params.get("start_created") or params.get("end_created"):
        span, error = _time_range(params, "start_created", "end_created", None)
        if error:
            return error
    else:
        now = datetime.now(TOP_TZ)
        span = (now - timedelta(days=90), now)
    with store.lock:
        rows = copy.deepcopy([t for t in store.trades.values()
                              if span[0] <= parse_top_time(t["created"]) <= span[1]])
    rows.sort(key=lambda t: (parse_top_time(t["created"]), t["tid"]), reverse=True)
    return _page(params, rows)


def offline_send(store, params):
    for name in ("tid", "out_sid", "company_code"):
        if not params.get(name):
            return _error(40, f"Missing required arguments:{name}", f"isv.missing-parameter:{name}")
    try:
        tid = int(params["tid"])
    except ValueError:
        return _error(41, "Invalid arguments:tid", "isv.invalid-parameter:tid")
    _shipment, error = store.ship(tid, params["out_sid"], params["company_code"])
    return error or {"shipping": {"is_success": True}}


def quantity_update(store, params):
    """taobao.item.quantity.update: num_iid (required), sku_id or outer_id, quantity, type 1 full / 2 incremental."""
    for name in ("num_iid", "quantity"):
        if not params.get(name):
            return _error(40, f"Missing required arguments:{name}", f"isv.missing-parameter:{name}")
    try:
        num_iid, quantity = int(params["num_iid"]), int(params["quantity"])
        sku_id = int(params["sku_id"]) if params.get("sku_id") else None
        kind = int(params.get("type") or 1)
    except ValueError:
        return _error(41, "Invalid arguments:num_iid,sku_id,quantity,type", "isv.invalid-parameter")
    if kind not in (1, 2):
        return _error(41, "Invalid arguments:type", "isv.invalid-parameter:type")
    if sku_id is None and params.get("outer_id"):
        found = [s for s in store.skus_by_outer_id(params["outer_id"]) if s["num_iid"] == num_iid]
        if not found:
            return _error(15, "Remote service error", "isv.sku-not-exist", f"商家编码 {params['outer_id']} 无对应SKU")
        sku_id = found[0]["sku_id"]
    item, error = store.set_quantity(num_iid, sku_id, quantity, incremental=kind == 2)
    return error or {"item": item}


def skus_quantity_update(store, params):
    """taobao.skus.quantity.update: num_iid, skuid_quantities "skuId:qty;..." (or outerid_quantities), type;
    at most 20 SKUs; all or nothing (a SKU refused refuses the call, naming that SKU)."""
    if not params.get("num_iid"):
        return _error(40, "Missing required arguments:num_iid", "isv.missing-parameter:num_iid")
    text = params.get("skuid_quantities") or params.get("outerid_quantities") or ""
    by_outer = not params.get("skuid_quantities")
    try:
        num_iid, kind = int(params["num_iid"]), int(params.get("type") or 1)
        pairs = [(part.rsplit(":", 1)[0], int(part.rsplit(":", 1)[1])) for part in text.split(";") if part.strip()]
    except (ValueError, IndexError):
        return _error(41, "Invalid arguments:skuid_quantities", "isv.invalid-parameter:skuid_quantities")
    if not pairs:
        return _error(40, "Missing required arguments:skuid_quantities", "isv.missing-parameter:skuid_quantities")
    if len(pairs) > 20:
        return _error(41, "Invalid arguments:skuid_quantities", "isv.invalid-parameter:skuid_quantities", "最多支持20个SKU同时修改")
    if kind not in (1, 2):
        return _error(41, "Invalid arguments:type", "isv.invalid-parameter:type")
    with store.lock:
        item = store.items.get(num_iid)
        if item is None:
            return _error(15, "Remote service error", "isv.item-not-exist", f"商品 {num_iid} 不存在")
        changes = {}
        for ref, quantity in pairs:
            if by_outer:
                found = [sku_id for sku_id, sku in item["skus"].items() if sku["outer_id"] == ref]
            else:
                found = [int(ref)] if ref.isdigit() and int(ref) in item["skus"] else []
            if not found:
                return _error(15, "Remote service error", "isv.sku-not-exist", f"SKU {ref} 不存在")
            for sku_id in found:
                new = item["skus"][sku_id]["quantity"] + quantity if kind == 2 else quantity
                if new < 0 or (kind == 1 and quantity < 0):
                    return _error(15, "Remote service error", "isv.invalid-parameter:quantity", f"SKU {ref} 库存不能小于0")
                changes[sku_id] = new
        for sku_id, new in changes.items():
            item["skus"][sku_id]["quantity"] = new
        item["num"] = sum(sku["quantity"] for sku in item["skus"].values())
        stamp = store.tick()
        return {"item": {"iid": str(num_iid), "num_iid": num_iid, "num": item["num"], "modified": stamp,
                         "skus": {"sku": [{"sku_id": sku_id, "quantity": new, "modified": stamp}
                                          for sku_id, new in changes.items()]}}}


def skus_custom_get(store, params):
    """taobao.skus.custom.get: the seller's SKUs with this merchant code (outer_id)."""
    if not params.get("outer_id"):
        return _error(40, "Missing required arguments:outer_id", "isv.missing-parameter:outer_id")
    if not params.get("fields"):
        return _error(40, "Missing required arguments:fields", "isv.missing-parameter:fields")
    fields = [f.strip() for f in params["fields"].split(",") if f.strip()]
    skus = [{k: v for k, v in sku.items() if k in fields or k == "iid"} for sku in store.skus_by_outer_id(params["outer_id"])]
    return {"skus": skus if params.get("simplify") == "true" else {"sku": skus}}


METHODS = {
    "taobao.item.quantity.update": quantity_update,
    "taobao.skus.quantity.update": skus_quantity_update,
    "taobao.skus.custom.get": skus_custom_get,
    "taobao.trades.sold.increment.get": increment_get,
    "taobao.trades.sold.get": sold_get,
    "taobao.logistics.offline.send": offline_send,
    **taobao_refunds.METHODS,
}


def _install_controls(app, store):
    """Test controls under /_sandbox/ (no signature): add/modify trades and refunds, inject faults, read pushes."""
    taobao_refunds.install_controls(app, store)

    @app.post("/_sandbox/trades")
    def add_trades():
        body = request.get_json(silent=True) or {}
        count = int(body.pop("count", 1))
        return jsonify(trades=[store.add_trade(body) for _ in range(count)]), 201

    @app.patch("/_sandbox/trades/<int:tid>")
    def modify_trade(tid):
        trade = store.modify_trade(tid, request.get_json(silent=True) or {})
        return (jsonify(trade=trade), 200) if trade else (jsonify(error="no such trade"), 404)

    @app.post("/_sandbox/faults")
    def add_faults():
        body = request.get_json(silent=True) or {}
        with store.lock:
            store.faults += [body.get("ban_seconds", 1)] * int(body.get("count", 1))
            return jsonify(pending=len(store.faults))

    @app.get("/_sandbox/stock")
    def stock():
        with store.lock:
            return jsonify(items={str(num_iid): {"num": item["num"], "skus": {str(k): v["quantity"] for k, v in item["skus"].items()}}
                                  for num_iid, item in store.items.items()})

    @app.post("/_sandbox/items")
    def add_items():
        body = request.get_json(silent=True) or {}
        first, count = int(body.get("first_num_iid", 700_000_000_000)), int(body.get("count", 1))
        for n in range(count):
            store.add_item(first + n, body.get("sku_id"), body.get("outer_id", ""), int(body.get("quantity", 0)))
        return jsonify(items=count), 201

    @app.get("/_sandbox/shipments")
    def shipments():
        return jsonify(shipments=store.shipments)

    @app.get("/_sandbox/requests")
    def requests_seen():
        return jsonify(requests=store.requests)

    @app.post("/_sandbox/tmc")
    def push():
        """Push a signed TMC message to body["url"] (topic, content); answers the receiver's reply."""
        body = request.get_json(silent=True) or {}
        answer = push_tmc_message(body["url"], body.get("topic", "taobao_trade_TradeCreate"), body.get("content") or {},
                                  app_key=store.app_key, secret=store.app_secret)
        return jsonify(status=answer.status_code, body=answer.text)


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


def start_in_thread(seed=True, port=0, **credentials):
    """Run a fresh sandbox on localhost (port 0 = any free port); `.base_url`, `.state`, `.stop()`."""
    store = TopStore(seed=seed, **credentials)
    return serve_in_thread(create_app(store), store, port=port)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local Taobao Open Platform (TOP) gateway sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8705)
    parser.add_argument("--app-key", default=DEFAULT_APP_KEY)
    parser.add_argument("--secret", default=DEFAULT_SECRET)
    parser.add_argument("--session", default=DEFAULT_SESSION)
    args = parser.parse_args(argv)
    print(f"Taobao TOP sandbox on http://{args.host}:{args.port}/router/rest "
          f"(app_key {args.app_key}, secret {args.secret}, session {args.session})", flush=True)
    store = TopStore(app_key=args.app_key, app_secret=args.secret, session=args.session)
    create_app(store).run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
