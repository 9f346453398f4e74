"""A local JD open platform (JOS) gateway: `/routerjson` speaking the JOS protocol of
wms.channels.jd_protocol (360buy_param_json, MD5 signature, app key, access token and timestamp
checks, gateway error codes), with `jingdong.pop.order.search` (modified or created windows of at
most a month, page/page_size <= 100, order_state and optional_fields required), `jingdong.pop.order.get`,
`jingdong.pop.order.shipment` (recorded; refused unless the order awaits 出库),
`jingdong.pop.afs.soa.refundapply.queryPageList` (apply / check windows, pageSize <= 50) and
`jingdong.stock.write.updateSkuStock` (one SKU; an unknown skuId is refused), plus /_sandbox/ controls.

Faults, consumed one per API call: `fail_next(kind, times=1, method=None, after=0)` (over HTTP:
POST /_sandbox/faults {kind, times, method, after}); `method` limits the fault to that API, `after`
lets that many calls through first. Kinds: "auth" (code 19, access token expired), "rate_limit"
(code 2, App Call Limited), "timeout" (answers after `hang_s`), "unavailable" (HTTP 503),
"business" (the order search's documented one-month rule, apiResult success=false; an error_response
for other APIs), and hostile answers: "garbage" (not JSON), "missing_fields" (orders without orderId
/ modified), "wrong_types" (orderInfoList a string, orderTotal an object).
The sandbox's own choices where JD publishes nothing: an unknown app_key answers code 12 (the
signature cannot be checked), an unknown skuId and the "business" fault of other APIs answer
error_response code "100" with JD-style Chinese text.

    python -m wms.channels.sandbox.jd --port 8706

Channel settings to point at it: {"gateway_url": "http://127.0.0.1:8706", "app_key": "JDSANDBOXAPPKEY",
"app_secret": "jd-sandbox-secret", "access_token": "jd-sandbox-token", "initial_since": "2026-11-18T00:00:00Z"}.
"""
import argparse
import copy
import itertools
import json
import threading
import time
from datetime import datetime, timedelta

from flask import Flask, Response, jsonify, request

from wms.channels.jd_protocol import (
    API_VERSION, CLOCK_TOLERANCE, JD_TZ, PARAM_JSON, format_jd_time, parse_jd_time, response_key, sign_request,
)
from wms.channels.sandbox import merge_fields, serve_in_thread
from wms.channels.sandbox.jd_seed import FIRST_ORDER_ID, SEED, build_order, seed_orders, seed_refunds, seed_stock

DEFAULT_APP_KEY = "JDSANDBOXAPPKEY"
DEFAULT_SECRET = "jd-sandbox-secret"
DEFAULT_TOKEN = "jd-sandbox-token"
MAX_SPAN = {"order": timedelta(days=31), "apply": timedelta(days=7), "check": timedelta(days=10)}
FAULT_KINDS = ("auth", "rate_limit", "timeout", "unavailable", "business", "garbage", "missing_fields", "wrong_types")
OK = {"success": True, "chineseErrCode": "成功", "englishErrCode": "success", "numberCode": "10100000"}


def _error(code, zh, en):
    return {"error_response": {"code": str(code), "zh_desc": zh, "en_desc": en}}


class JdStore:
    """The sandbox shop's state; every method holds the lock (the server is threaded)."""

    def __init__(self, app_key=DEFAULT_APP_KEY, app_secret=DEFAULT_SECRET, access_token=DEFAULT_TOKEN, seed=True,
                 hang_s=2.0):
        self.app_key, self.app_secret, self.access_token, self.hang_s = app_key, app_secret, access_token, hang_s
        self.lock = threading.RLock()
        orders = seed_orders() if seed else []
        self.orders = {o["orderId"]: o for o in orders}
        self.refunds = {r["id"]: r for r in (seed_refunds(orders) if seed else [])}
        self.stock = seed_stock()
        self.faults = []        # [{kind, method, after}] in turn
        self.requests = []      # [dict of params, 360buy_param_json decoded as "business"] of every call
        self.shipments = []
        self._ids = itertools.count(FIRST_ORDER_ID + len(SEED) + 100)

    def fail_next(self, kind, times=1, method=None, after=0):
        """The next `times` calls (of `method`, after `after` good ones) fail as `kind` (see the module doc)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r} ({', '.join(FAULT_KINDS)})")
        with self.lock:
            self.faults += [{"kind": kind, "method": method, "after": int(after) if n == 0 else 0} for n in range(int(times))]

    def take_fault(self, method):
        with self.lock:
            for fault in self.faults:
                if fault["method"] in (None, method):
                    if fault["after"] > 0:
                        fault["after"] -= 1
                        return None
                    self.faults.remove(fault)
                    return fault["kind"]
            return None

    def tick(self):
        """Now in Beijing time, never before a `modified` so far (JOS stamps in seconds)."""
        latest = max((parse_jd_time(o["modified"]) for o in self.orders.values()), default=None)
        now = datetime.now(JD_TZ).replace(microsecond=0)
        return format_jd_time(max(now, latest) if latest else now)

    def add_order(self, fields=None):
        """A new order from a seed shape (`seed`: index), created and modified now, then `fields`."""
        with self.lock:
            fields = dict(fields or {})
            stamp = self.tick()
            order = build_order(next(self._ids), SEED[int(fields.pop("seed", 0)) % len(SEED)], stamp, stamp)
            order.update(fields)
            self.orders[order["orderId"]] = order
            return copy.deepcopy(order)

    def modify_order(self, order_id, fields):
        """Change fields of an order (consigneeInfo merges) and stamp a new modified."""
        with self.lock:
            order = self.orders.get(str(order_id))
            if order is None:
                return None
            merge_fields(order, fields)
            order["modified"] = self.tick()
            return copy.deepcopy(order)


def create_app(store=None):
    """The sandbox's Flask app around a JdStore (a fresh seeded one by default)."""
    store = store or JdStore()
    app = Flask(__name__)
    app.config["store"] = store
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    @app.route("/routerjson", methods=["GET", "POST"])
    def router():
        params = {**request.args.to_dict(), **request.form.to_dict()}
        refusal = _check_system_params(store, params)
        try:
            business = json.loads(params.get(PARAM_JSON) or "{}")
        except ValueError:
            business = None
        with store.lock:
            store.requests.append({**params, "business": business})
        if refusal:
            return jsonify(refusal)
        if not isinstance(business, dict):
            return jsonify(_error(100, "360buy_param_json 不是合法的 JSON 对象", "360buy_param_json is not a JSON object"))
        method = params["method"]
        fault = store.take_fault(method)
        if fault and fault != "timeout":
            return _fault_answer(fault, method)
        handler = METHODS.get(method)
        if handler is None:
            return jsonify(_error(15, "不存在的方法名", "Invalid Method"))
        body = handler(store, business)
        if fault == "timeout":
            time.sleep(store.hang_s)
        return jsonify(body if "error_response" in body else {response_key(method): {"code": "0", **body}})

    _install_controls(app, store)
    return app


def _fault_answer(kind, method):
    if kind == "auth":
        return jsonify(_error(19, "token已过期或者不存在，请重新授权访问", "Invalid access_token"))
    if kind == "rate_limit":
        return jsonify(_error(2, "限制时间内调用失败次数", "App Call Limited"))
    if kind == "unavailable":
        return Response("<html><body>503 Service Temporarily Unavailable</body></html>", status=503)
    if kind == "garbage":
        return Response("<html>gateway busy</html>", status=200, mimetype="text/html")
    if kind == "business" and method == "jingdong.pop.order.search":
        return jsonify({response_key(method): {"code": "0", "searchorderinfo_result": {"apiResult": {
            "success": False, "chineseErrCode": "开始时间和结束时间，不得相差超过1个月",
            "englishErrCode": "start_date and end_date may not be more than one month apart", "numberCode": "10100041"},
            "orderTotal": 0, "orderInfoList": []}}})
    if kind == "business":
        return jsonify(_error(100, "业务处理失败：当前商家无权操作该数据", "business refused: not this vendor's data"))
    if kind == "missing_fields":
        return jsonify({response_key(method): {"code": "0", "searchorderinfo_result": {
            "apiResult": OK, "orderTotal": 1, "orderInfoList": [{"orderState": "WAIT_SELLER_STOCK_OUT"}]}}})
    return jsonify({response_key(method): {"code": "0", "searchorderinfo_result": {
        "apiResult": OK, "orderTotal": {"n": 1}, "orderInfoList": "305812345670"}}})


def _check_system_params(store, params):
    for name, code, zh, en in (("method", 14, "缺少方法名参数", "Missing Method"), ("v", 4, "缺少版本参数", "Missing Version"),
                               ("timestamp", 7, "缺少时间戳参数", "Missing Timestamp"),
                               ("sign", 11, "缺少签名参数", "Missing Signature")):
        if not params.get(name):
            return _error(code, zh, en)
    if params["v"] != API_VERSION:
        return _error(5, "不支持的版本号", "Unsupported Version")
    if params.get("app_key") != store.app_key or sign_request(params, store.app_secret) != params["sign"].upper():
        return _error(12, "无效签名", "Invalid Signature")
    try:
        sent = parse_jd_time(params["timestamp"])
    except ValueError:
        return _error(8, "非法的时间戳参数", "Invalid Timestamp")
    if abs(datetime.now(JD_TZ) - sent) > CLOCK_TOLERANCE:
        return _error(8, "非法的时间戳参数", "Invalid Timestamp")
    if params.get("access_token") != store.access_token:
        return _error(19, "token已过期或者不存在，请重新授权访问", "Invalid access_token")
    return None


def _span(business, start_key, end_key, limit):
    """(start, end) of a time window, or an error answer (missing, unreadable, reversed or too wide)."""
    try:
        start, end = parse_jd_time(business.get(start_key) or ""), parse_jd_time(business.get(end_key) or "")
    except ValueError:
        return None, _error(100, f"{start_key}/{end_key} 格式应为 yyyy-MM-dd HH:mm:ss", f"invalid {start_key}/{end_key}")
    if end < start or end - start > limit:
        return None, _error(100, f"{start_key} 与 {end_key} 相差不能超过 {limit.days} 天，且结束时间不能早于开始时间",
                            f"{start_key}..{end_key} wider than {limit.days} days or reversed")
    return (start, end), None


def _paging(value, size, most_size, most_page=None):
    try:
        page, size = int(value), int(size)
    except (TypeError, ValueError):
        return None
    if page < 1 or not 1 <= size <= most_size or (most_page and page > most_page):
        return None
    return page, size


def order_search(store, business):
    states = [s for s in str(business.get("order_state") or "").split(",") if s]
    fields = [f for f in str(business.get("optional_fields") or "").split(",") if f]
    if not states or not fields:
        return _error(100, "order_state 与 optional_fields 必填", "order_state and optional_fields are required")
    paging = _paging(business.get("page"), business.get("page_size"), 100)
    if paging is None:
        return _error(100, "page 应大于 0，page_size 取值 1-100", "invalid page or page_size")
    span, error = _span(business, "start_date", "end_date", MAX_SPAN["order"])
    if error:
        return error
    key = "orderStartTime" if str(business.get("dateType")) == "1" else "modified"
    with store.lock:
        rows = [copy.deepcopy(o) for o in store.orders.values()
                if o["orderState"] in states and span[0] <= parse_jd_time(o[key]) <= span[1]]
    rows.sort(key=lambda o: (parse_jd_time(o[key]), o["orderId"]), reverse=str(business.get("sortType")) == "1")
    page, size = paging
    chosen = [{k: v for k, v in o.items() if k in fields} for o in rows[(page - 1) * size: page * size]]
    return {"searchorderinfo_result": {"apiResult": OK, "orderTotal": len(rows), "orderInfoList": chosen}}


def order_get(store, business):
    fields = [f for f in str(business.get("optional_fields") or "").split(",") if f]
    with store.lock:
        order = copy.deepcopy(store.orders.get(str(business.get("order_id"))))
    if order is None:
        return {"orderDetailInfo": {"apiResult": {"success": False, "chineseErrCode": "订单不存在",
                                                  "englishErrCode": "order not found", "numberCode": "10100004"}}}
    return {"orderDetailInfo": {"apiResult": OK, "orderInfo": {k: v for k, v in order.items() if k in fields}}}


def order_shipment(store, business):
    order_id, company, waybill = (str(business.get(k) or "") for k in ("orderId", "logiCoprId", "logiNo"))
    with store.lock:
        order = store.orders.get(order_id)
        if order is None or order["orderState"] != "WAIT_SELLER_STOCK_OUT" or not company or not waybill:
            reason = "订单不存在" if order is None else (
                f"订单状态为 {order['orderState']}，不能出库" if order["orderState"] != "WAIT_SELLER_STOCK_OUT"
                else "物流公司与运单号必填")
            return {"sopjosshipment_result": {"success": False, "chineseErrCode": reason,
                                              "englishErrCode": "shipment refused", "errorCode": "10500009"}}
        stamp = store.tick()
        order.update(orderState="WAIT_GOODS_RECEIVE_CONFIRM", waybill=waybill, logisticsId=company, modified=stamp)
        store.shipments.append({"orderId": order_id, "logiCoprId": company, "logiNo": waybill, "at": stamp})
    return {"sopjosshipment_result": {"success": True, "chineseErrCode": "成功", "englishErrCode": "success",
                                      "errorCode": ""}}


def refund_list(store, business):
    prefix = "check" if business.get("checkTimeStart") else "apply"
    span, error = _span(business, f"{prefix}TimeStart", f"{prefix}TimeEnd", MAX_SPAN[prefix])
    if error:
        return error
    paging = _paging(business.get("pageIndex"), business.get("pageSize"), 50, most_page=100)
    if paging is None:
        return _error(100, "pageIndex 取值 1-100，pageSize 取值 1-50", "invalid pageIndex or pageSize")
    with store.lock:
        rows = [copy.deepcopy(r) for r in store.refunds.values()
                if r.get(f"{prefix}Time") and span[0] <= parse_jd_time(r[f"{prefix}Time"]) <= span[1]]
    rows.sort(key=lambda r: (r[f"{prefix}Time"], r["id"]))
    page, size = paging
    return {"queryResult": {"success": True, "totalCount": len(rows), "result": rows[(page - 1) * size: page * size]}}


def stock_update(store, business):
    sku_id, qty = str(business.get("skuId") or ""), business.get("stockNum")
    with store.lock:
        if sku_id not in store.stock:
            return _error(100, f"SKU {sku_id} 不存在或不属于当前商家", "sku not found")
        if not isinstance(qty, int) or isinstance(qty, bool) or qty < 0:
            return _error(100, "stockNum 应为不小于 0 的整数", "invalid stockNum")
        store.stock[sku_id] = qty
    return {"success": True}


METHODS = {
    "jingdong.pop.order.search": order_search,
    "jingdong.pop.order.get": order_get,
    "jingdong.pop.order.shipment": order_shipment,
    "jingdong.pop.afs.soa.refundapply.queryPageList": refund_list,
    "jingdong.stock.write.updateSkuStock": stock_update,
}


def _install_controls(app, store):
    """Test and demo controls under /_sandbox/ (no signature): orders, faults, what was shipped and stocked."""

    @app.post("/_sandbox/orders")
    def add_orders():
        body = request.get_json(silent=True) or {}
        count = int(body.pop("count", 1))
        return jsonify(orders=[store.add_order(body) for _ in range(count)]), 201

    @app.patch("/_sandbox/orders/<order_id>")
    def modify_order(order_id):
        order = store.modify_order(order_id, request.get_json(silent=True) or {})
        return (jsonify(order=order), 200) if order else (jsonify(error="no such order"), 404)

    @app.post("/_sandbox/faults")
    def add_faults():
        body = request.get_json(silent=True) or {}
        try:
            store.fail_next(body.get("kind", "timeout"), body.get("times", 1), body.get("method"), body.get("after", 0))
        except ValueError as error:
            return jsonify(error=str(error)), 400
        return jsonify(pending=len(store.faults))

    @app.get("/_sandbox/shipments")
    def shipments():
        return jsonify(shipments=store.shipments)

    @app.get("/_sandbox/stock")
    def stock():
        return jsonify(stock=store.stock)


def start_in_thread(seed=True, port=0, **options):
    """Run a fresh sandbox on localhost (port 0 = any free port); `.base_url`, `.state`, `.stop()`."""
    store = JdStore(seed=seed, **options)
    return serve_in_thread(create_app(store), store, port=port)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local JD open platform (JOS) gateway sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8706)
    args = parser.parse_args(argv)
    print(f"JD JOS sandbox on http://{args.host}:{args.port}/routerjson (app_key {DEFAULT_APP_KEY}, "
          f"secret {DEFAULT_SECRET}, access_token {DEFAULT_TOKEN})", flush=True)
    create_app(JdStore()).run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
