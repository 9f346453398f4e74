"""A local Pinduoduo open-platform gateway: `/api/router` speaking the PDD HTTP protocol
(wms.channels.pdd_protocol) with client id, signature, timestamp and access-token checks, and
`pdd.order.number.list.increment.get` (30-minute update windows, page / page_size <= 100, newest
first, use_has_next), `pdd.order.information.get`, `pdd.logistics.companies.get`,
`pdd.logistics.online.send` (recorded; an order ships once), `pdd.refund.list.increment.get`,
`pdd.goods.list.get` (outer_id filter) and `pdd.goods.quantity.update` (stock levels kept; a SKU
on a resource slot refuses a decrease, as PDD documents). Faults, consumed one per API call:
`fail_next("auth" | "rate_limit" | "timeout" | "unavailable" | "business" | "garbage", times=1)`
(over HTTP: `POST /_sandbox/fail` with `mode` and `times`): auth answers 10019 (access_token
expired), rate_limit 70031 (calling too often), unavailable HTTP 503, business 50001 业务服务错误,
garbage a body that is not JSON, and timeout does the call's work, then hangs `hang_s` before
answering (the answer is lost, the effect is not). Tests read and change the state through
`.state` (a PddStore) or the /_sandbox/ endpoints.

    python -m wms.channels.sandbox.pdd --port 8704

Channel settings to point at it: {"gateway_url": "http://127.0.0.1:8704", "client_id":
"pdd-sandbox-client", "client_secret": "pdd-sandbox-secret", "access_token": "pdd-sandbox-token"}.
"""
import argparse
import copy
import itertools
import json
import threading
import time
from datetime import datetime

from flask import Flask, Response, jsonify, request

from wms.channels.pdd_protocol import PDD_TZ, parse_pdd_time, sign_request
from wms.channels.sandbox import serve_in_thread
from wms.channels.sandbox.pdd_seed import (
    COMPANIES, FIRST_ORDER_DAY, FIRST_ORDER_NUMBER, SEED, build_order, build_refund, pdd_time, seed_goods,
    seed_orders, seed_refunds,
)
from wms.inputs import as_int

DEFAULT_CLIENT_ID = "pdd-sandbox-client"
DEFAULT_SECRET = "pdd-sandbox-secret"
DEFAULT_TOKEN = "pdd-sandbox-token"
MAX_PAGE_SIZE = 100
MAX_SPAN = 30 * 60
FAULTS = ("auth", "rate_limit", "timeout", "unavailable", "business", "garbage")


def _error(code, msg, sub_msg="", sub_code=None):
    return {"error_response": {"error_code": code, "error_msg": msg, "sub_code": sub_code, "sub_msg": sub_msg,
                               "request_id": f"sandbox-{time.time_ns()}"}}


def _param_error(sub_msg):
    return _error(10000, "参数错误", sub_msg, "10000")


def _refused(sub_msg):
    return _error(50001, "业务服务错误", sub_msg, "50001")


class PddStore:
    """The sandbox shop's state; every method holds the lock (the server is threaded)."""

    def __init__(self, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_SECRET, access_token=DEFAULT_TOKEN,
                 seed=True, hang_s=1.0):
        self.client_id, self.client_secret, self.access_token = client_id, client_secret, access_token
        self.hang_s = hang_s
        self.lock = threading.RLock()
        self.started = datetime.now(PDD_TZ).replace(microsecond=0)
        orders = seed_orders(self.started) if seed else []
        self.orders = {o["order_sn"]: o for o in orders}
        self.refunds = {r["id"]: r for r in (seed_refunds(self.started, orders) if seed else [])}
        self.goods = seed_goods()
        self.companies = copy.deepcopy(COMPANIES)
        self.faults = []       # fault modes, served one per API call
        self.requests = []     # dict of the params of every /api/router call
        self.shipments = []    # what logistics.online.send recorded
        self.stock_updates = []
        self._numbers = itertools.count(len(SEED) + 100)
        self._refund_ids = itertools.count(9_130_001)

    def fail_next(self, mode, times=1):
        """The next `times` API calls fail as `mode` (FAULTS)."""
        if mode not in FAULTS:
            raise ValueError(f"unknown fault {mode!r} ({', '.join(FAULTS)})")
        with self.lock:
            self.faults.extend([mode] * int(times))

    def tick(self):
        """Now in Beijing time, never before an updated_at so far (PDD stamps in seconds)."""
        latest = max((parse_pdd_time(o["updated_at"]) for o in self.orders.values()), default=None)
        now = datetime.now(PDD_TZ).replace(microsecond=0)
        return max(now, latest) if latest else now

    def add_order(self, fields=None):
        """A new order from a seed shape (`seed`: index), created and updated now, then `fields`."""
        with self.lock:
            fields = dict(fields or {})
            spec = SEED[int(fields.pop("seed", 0)) % len(SEED)]
            now = self.tick()
            sn = f"{FIRST_ORDER_DAY}-{FIRST_ORDER_NUMBER + next(self._numbers) * 7919}"
            order = build_order(sn, spec, now, now)
            order.update(fields)
            self.orders[sn] = order
            return copy.deepcopy(order)

    def modify_order(self, sn, fields):
        """Change fields of an order and stamp a new updated_at (unless `fields` sets one)."""
        with self.lock:
            order = self.orders.get(sn)
            if order is None:
                return None
            order.update(fields)
            if "updated_at" not in fields:
                order["updated_at"] = pdd_time(self.tick())
            return copy.deepcopy(order)

    def add_refund(self, sn, after_sales_type=2, status=2, reason="不想要了", amount=None, tracking=""):
        """A new after-sales row on an order, created and updated now."""
        with self.lock:
            order = self.orders[sn]
            now = datetime.now(PDD_TZ).replace(microsecond=0)
            row = build_refund(next(self._refund_ids), order, after_sales_type, status, reason,
                               amount or f"{order['pay_amount']:.2f}", tracking, now, now)
            self.refunds[row["id"]] = row
            return copy.deepcopy(row)

    def stock_of(self, outer_id):
        with self.lock:
            for goods in self.goods:
                for sku in goods["sku_list"]:
                    if sku["outer_id"] == outer_id:
                        return sku["sku_quantity"]
            return None

    # --- API methods (called with the lock held) -----------------------------------------------

    def increment(self, params):
        span, error = _window(params)
        if error:
            return error
        paging, error = _paging(params)
        if error:
            return error
        status, refund = as_int(params.get("order_status")), as_int(params.get("refund_status"))
        if status not in (1, 2, 3, 5) or refund not in (1, 2, 3, 4, 5):
            return _param_error("order_status 或 refund_status 取值错误")
        rows = [o for o in self.orders.values() if span[0] <= _stamp(o["updated_at"]) <= span[1]
                and (status == 5 or o["order_status"] == status) and (refund == 5 or o["refund_status"] == refund)]
        rows.sort(key=lambda o: (_stamp(o["updated_at"]), o["order_sn"]), reverse=True)   # newest first
        return _paged(rows, paging, "order_sn_list", params.get("use_has_next") == "true")

    def information(self, params):
        order = self.orders.get(params.get("order_sn") or "")
        if order is None:
            return _param_error("订单不属于当前店铺或订单不存在")
        return {"order_info": copy.deepcopy(order)}

    def online_send(self, params):
        for name in ("order_sn", "logistics_id", "tracking_number"):
            if not params.get(name):
                return _error(21002, "请求参数不能为空", f"{name} 不能为空", "21002")
        order = self.orders.get(params["order_sn"])
        if order is None:
            return _param_error("订单不属于当前店铺或订单不存在")
        company = next((c for c in self.companies if str(c["id"]) == params["logistics_id"]), None)
        if company is None or company["available"] != 1:
            return _param_error("快递公司不存在或不支持")
        if order["order_status"] != 1 or order["confirm_status"] != 1 or order["refund_status"] == 4:
            return _refused("订单状态不是待发货，不能发货")
        now = pdd_time(self.tick())
        order.update(order_status=2, logistics_id=company["id"], tracking_number=params["tracking_number"],
                     shipping_time=now, updated_at=now, receiver_name="", receiver_phone="", receiver_address="",
                     address="")
        self.shipments.append({"order_sn": order["order_sn"], "logistics_id": company["id"],
                               "tracking_number": params["tracking_number"], "at": now})
        return {"is_success": True}

    def refund_increment(self, params):
        span, error = _window(params)
        if error:
            return error
        paging, error = _paging(params)
        if error:
            return error
        if params.get("after_sales_status") in (None, "") or params.get("after_sales_type") in (None, ""):
            return _error(21002, "请求参数不能为空", "after_sales_status、after_sales_type 必填", "21002")
        kind, status = as_int(params["after_sales_type"]), as_int(params["after_sales_status"])
        rows = [r for r in self.refunds.values() if span[0] <= int(r["updated_time"]) <= span[1]
                and kind in (1, r["after_sales_type"]) and status in (1, r["after_sales_status"])]
        rows.sort(key=lambda r: (int(r["updated_time"]), r["id"]), reverse=True)
        return _paged(rows, paging, "refund_list", False)

    def goods_list(self, params):
        paging, error = _paging(params)
        if error:
            return error
        outer_id = params.get("outer_id")
        rows = [g for g in self.goods if not outer_id or any(s["outer_id"] == outer_id for s in g["sku_list"])]
        body = _paged(rows, paging, "goods_list", False)
        for goods in body["goods_list"]:
            for sku in goods["sku_list"]:
                sku.pop("resource_slot", None)
        return body

    def quantity_update(self, params):
        goods_id, quantity = params.get("goods_id"), params.get("quantity")
        if not goods_id or quantity in (None, "") or not (params.get("sku_id") or params.get("outer_id")):
            return _error(21002, "请求参数不能为空", "goods_id、quantity 必填，sku_id 和 outer_id 必填一个", "21002")
        try:
            quantity, update_type = int(quantity), int(params.get("update_type") or 1)
        except ValueError:
            return _param_error("quantity 必须为整数")
        goods = next((g for g in self.goods if str(g["goods_id"]) == goods_id), None)
        if goods is None:
            return _refused("商品不存在")
        sku = next((s for s in goods["sku_list"] if (params.get("sku_id") and str(s["sku_id"]) == params["sku_id"])
                    or (not params.get("sku_id") and s["outer_id"] == params.get("outer_id"))), None)
        if sku is None:
            return _refused("sku不存在")
        new = quantity if update_type == 1 else sku["sku_quantity"] + quantity
        if new < 0:
            return _param_error("库存不能小于0")
        if sku.get("resource_slot") and new < sku["sku_quantity"]:
            return _refused("在资源位上的商品不能减少库存")
        sku["sku_quantity"] = new
        goods["goods_quantity"] = sum(s["sku_quantity"] for s in goods["sku_list"])
        self.stock_updates.append({"goods_id": goods["goods_id"], "sku_id": sku["sku_id"], "quantity": new})
        return {"is_success": True}


def _stamp(text):
    return int(parse_pdd_time(text).timestamp())


def _window(params):
    start, end = as_int(params.get("start_updated_at")), as_int(params.get("end_updated_at"))
    if start is None or end is None:
        return None, _error(21002, "请求参数不能为空", "start_updated_at、end_updated_at 必填", "21002")
    if end < start or end - start > MAX_SPAN:
        return None, _param_error("开始时间结束时间间距不超过 30 分钟，且结束时间不能早于开始时间")
    return (start, end), None


def _paging(params):
    page, size = as_int(params.get("page") or 1), as_int(params.get("page_size") or MAX_PAGE_SIZE)
    if page is None or size is None or page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        return None, _param_error(f"page 从 1 开始，page_size 取值 1-{MAX_PAGE_SIZE}")
    return (page, size), None


def _paged(rows, paging, key, use_has_next):
    page, size = paging
    body = {key: copy.deepcopy(rows[(page - 1) * size: page * size])}
    if use_has_next:
        body["has_next"] = len(rows) > page * size
    else:
        body["total_count"] = len(rows)
    return body


METHODS = {
    "pdd.order.number.list.increment.get": ("order_sn_increment_get_response", PddStore.increment),
    "pdd.order.information.get": ("order_info_get_response", PddStore.information),
    "pdd.logistics.companies.get": ("logistics_companies_get_response",
                                    lambda store, params: {"logistics_companies": copy.deepcopy(store.companies)}),
    "pdd.logistics.online.send": ("logistics_online_send_response", PddStore.online_send),
    "pdd.refund.list.increment.get": ("refund_increment_get_response", PddStore.refund_increment),
    "pdd.goods.list.get": ("goods_list_get_response", PddStore.goods_list),
    "pdd.goods.quantity.update": ("goods_quantity_update_response", PddStore.quantity_update),
}


def _check_common(store, params):
    for name in ("type", "client_id", "timestamp", "sign"):
        if not params.get(name):
            return _error(10001, f"公共参数错误:{name}", "", "10001")
    if params["client_id"] != store.client_id:
        return _error(10016, "client下线或者clientId不正确", "", "10016")
    if sign_request(params, store.client_secret) != params["sign"].upper():
        return _error(20004, "签名sign校验失败", "", "20004")
    sent = as_int(params["timestamp"])
    if sent is None or abs(time.time() - sent) > 600:
        return _error(10001, "公共参数错误:timestamp", "时间戳与服务器时间相差超过10分钟", "10001")
    if params["type"] not in METHODS:
        return _error(10017, "type不正确", "", "10017")
    if params.get("access_token") != store.access_token:
        return _error(20032, "access_token或client_id错误", "", "20032")
    return None


def _fault_answer(mode):
    if mode == "auth":
        return jsonify(_error(10019, "access_token已过期", "", "10019"))
    if mode == "rate_limit":
        return jsonify(_error(70031, "调用过于频繁，请调整调用频率", "", "70031"))
    if mode == "unavailable":
        return Response("<html>503 Service Temporarily Unavailable</html>", status=503, mimetype="text/html")
    if mode == "business":
        return jsonify(_refused("系统繁忙，请稍后再试（业务服务错误）"))
    return Response("<html>gateway says hello</html>", status=200, mimetype="text/html")  # garbage


def _params():
    params = {**request.args.to_dict(), **request.form.to_dict()}
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):  # the guide's JSON body: values signed as they are written
        params.update({k: (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, separators=(",", ":")))
                       for k, v in body.items()})
    return params


def create_app(store=None):
    """The sandbox's Flask app around a PddStore (a fresh seeded one by default)."""
    store = store or PddStore()
    app = Flask(__name__)
    app.config["store"] = store
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    @app.route("/api/router", methods=["POST", "GET"])
    def router():
        params = _params()
        with store.lock:
            store.requests.append(dict(params))
        refusal = _check_common(store, params)
        if refusal:
            return jsonify(refusal)
        with store.lock:
            fault = store.faults.pop(0) if store.faults else None
        if fault and fault != "timeout":
            return _fault_answer(fault)
        key, handler = METHODS[params["type"]]
        with store.lock:
            body = handler(store, params)
        if fault == "timeout":
            time.sleep(store.hang_s)
        return jsonify(body if "error_response" in body else {key: body})

    @app.post("/_sandbox/fail")
    def fail():
        form = request.get_json(silent=True) or request.form
        try:
            store.fail_next(str(form.get("mode", "timeout")), int(form.get("times", 1)))
        except ValueError as error:
            return jsonify(error=str(error)), 400
        return jsonify(pending=len(store.faults))

    @app.post("/_sandbox/orders")
    def add_order():
        return jsonify(order=store.add_order(request.get_json(silent=True) or {})), 201

    @app.patch("/_sandbox/orders/<sn>")
    def modify_order(sn):
        order = store.modify_order(sn, request.get_json(silent=True) or {})
        return (jsonify(order=order), 200) if order else (jsonify(error="no such order"), 404)

    @app.get("/_sandbox/shipments")
    def shipments():
        return jsonify(shipments=store.shipments)

    @app.get("/_sandbox/stock")
    def stock():
        with store.lock:
            return jsonify(stock={s["outer_id"] or f"pdd-{g['goods_id']}-{s['sku_id']}": s["sku_quantity"]
                                  for g in store.goods for s in g["sku_list"]})

    return app


def start_in_thread(seed=True, port=0, **options):
    """Run a fresh sandbox on localhost (port 0 = any free port); `.base_url`, `.state`, `.stop()`."""
    store = PddStore(seed=seed, **options)
    return serve_in_thread(create_app(store), store, port=port)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local Pinduoduo open-platform gateway sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8704)
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--secret", default=DEFAULT_SECRET)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    args = parser.parse_args(argv)
    print(f"Pinduoduo sandbox on http://{args.host}:{args.port}/api/router "
          f"(client_id {args.client_id}, secret {args.secret}, access_token {args.token})", flush=True)
    store = PddStore(client_id=args.client_id, client_secret=args.secret, access_token=args.token)
    create_app(store).run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
