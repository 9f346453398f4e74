"""A local Douyin shop open platform (抖店) gateway speaking the wire format of wms.channels.douyin_protocol:
POST /<method path> with the public parameters in the query (app_key, method, access_token, timestamp, v,
sign_method, sign: checked) and param_json as the body, answering {code, msg, sub_code, sub_msg, log_id,
data}. Methods: order.searchList (update-time windows, page from 0, size <= 100), order.orderDetail,
order.logisticsAdd (recorded; only orders awaiting shipment), afterSale.List (update-time windows, has_more),
sku.syncStock (per SKU; an unknown SKU is refused as a business error) and sku.syncStockBatch (the SKUs of
one product, all or nothing: an unknown SKU refuses the whole call, naming it).

Faults, served in turn: ``fail_next(kind, times=1, after=0)`` - the `times` calls after the next `after`
fail as "auth" (30001 dop.authorization-no-existed), "rate_limit" (60000 isv.traffic-limited), "server"
(HTTP 500), "timeout" (answers only after `hang_s`), "business" (50002 isv.business-failed:-20001 库存不足,
as the platform documents it for stock calls), or "malformed" (a success whose lists are not lists: a
hostile answer). Over HTTP: POST /_sandbox/faults {kind, times, after}.

    python -m wms.channels.sandbox.douyin --port 8707

Channel settings to point at it: {"gateway_url": "http://127.0.0.1:8707", "app_key": "7311111111111111111",
"app_secret": "sandbox-douyin-secret", "access_token": "sandbox-douyin-token",
"initial_since": "2026-11-18T00:00:00Z"}.
"""
import argparse
import copy
import itertools
import json
import threading
import time
from datetime import datetime, timezone

from flask import Flask, jsonify, request

from wms.channels.douyin_protocol import (
    BUSINESS_FAILED, PARAMETER_INVALID, PARAMETER_MISSING, PERMISSION_DENIED, SIGN_METHODS, TRAFFIC_LIMITED,
    epoch_of, error_answer, method_path, ok_answer, parse_timestamp, verify,
)
from wms.channels.sandbox import serve_in_thread
from wms.channels.sandbox.douyin_seed import (
    FIRST_ORDER_ID, SEED, STATUS_DESC, STOCK, build_after_sale, build_order, seed_after_sales, seed_orders,
)

DEFAULT_APP_KEY = "7311111111111111111"
DEFAULT_SECRET = "sandbox-douyin-secret"
DEFAULT_TOKEN = "sandbox-douyin-token"
MAX_SIZE = 100
SHIPPABLE = {105, 2, 101}
FAULT_KINDS = ("auth", "rate_limit", "server", "timeout", "business", "malformed")


class DouyinStore:
    """The sandbox shop's state; every method holds the lock (the server is threaded)."""

    def __init__(self, app_key=DEFAULT_APP_KEY, app_secret=DEFAULT_SECRET, access_token=DEFAULT_TOKEN, seed=True,
                 hang_s=1.0):
        self.app_key, self.app_secret, self.access_token, self.hang_s = app_key, app_secret, access_token, hang_s
        self.lock = threading.RLock()
        orders = seed_orders() if seed else []
        self.orders = {o["order_id"]: o for o in orders}
        self.after_sales = {a["aftersale_info"]["aftersale_id"]: a for a in (seed_after_sales(orders) if seed else [])}
        self.stock = dict(STOCK) if seed else {}
        self.faults = []        # [kind or None]: None lets a call through (the `after` of fail_next)
        self.requests = []      # [{"method", "query", "body"}] of every API call that passed the checks
        self.shipments = []     # what order.logisticsAdd recorded
        self._ids = itertools.count(FIRST_ORDER_ID + 10 * (len(SEED) + 10), 10)
        self._after_sale_ids = itertools.count(7_100_000_000_000_001_000)

    def fail_next(self, kind, times=1, after=0):
        """The `times` calls after the next `after` fail as `kind` (see the module docstring)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r} ({', '.join(FAULT_KINDS)})")
        with self.lock:
            self.faults += [None] * after + [kind] * times

    def tick(self):
        """Now in Unix seconds, never before an update_time so far (a client's window reaches it)."""
        latest = max([o["update_time"] for o in self.orders.values()]
                     + [a["aftersale_info"]["update_time"] for a in self.after_sales.values()], default=0)
        return max(int(time.time()), latest)

    def add_order(self, fields=None):
        """A new order from a seed shape (`seed`: index), created and updated now, then `fields`."""
        with self.lock:
            fields = dict(fields or {})
            spec = SEED[int(fields.pop("seed", 0)) % len(SEED)]
            stamp = self.tick()
            order = build_order(next(self._ids), spec, created=stamp, updated=stamp)
            order.update(fields)
            self.orders[order["order_id"]] = order
            return copy.deepcopy(order)

    def modify_order(self, order_id, fields):
        """Change fields of an order (order_status, buyer_words...) and stamp a new update_time."""
        with self.lock:
            order = self.orders.get(str(order_id))
            if order is None:
                return None
            order.update(fields)
            if "order_status" in fields:
                order["order_status_desc"] = STATUS_DESC.get(fields["order_status"], "")
                for sku in order["sku_order_list"]:
                    sku["order_status"] = fields["order_status"]
            order["update_time"] = self.tick()
            return copy.deepcopy(order)

    def add_after_sale(self, order_id, **options):
        """A new after-sale request on an order, applied for now (see douyin_seed.build_after_sale)."""
        with self.lock:
            order = self.orders[str(order_id)]
            stamp = self.tick()
            item = build_after_sale(next(self._after_sale_ids), order, applied=stamp, updated=stamp, **options)
            self.after_sales[item["aftersale_info"]["aftersale_id"]] = item
            return copy.deepcopy(item)

    def next_fault(self):
        with self.lock:
            return self.faults.pop(0) if self.faults else None


# --- the API -----------------------------------------------------------------------------------

def _page(params, rows):
    """(page, size, chunk) of rows, or an error answer."""
    page, size = params.get("page", 0), params.get("size", 10)
    if isinstance(page, bool) or isinstance(size, bool) or not isinstance(page, int) or not isinstance(size, int):
        return None, error_answer(PARAMETER_INVALID, "非法的参数", "isv.parameter-invalid", "page/size 应为整数")
    if page < 0 or not 1 <= size <= MAX_SIZE:
        return None, error_answer(PARAMETER_INVALID, "非法的参数", "isv.parameter-invalid",
                                  f"size 取值范围 1-{MAX_SIZE}，page 从 0 开始")
    return (page, size, rows[page * size:(page + 1) * size]), None


def _window(params, start_name, end_name):
    start, end = params.get(start_name), params.get(end_name)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)) or end < start:
        return None, error_answer(PARAMETER_INVALID, "非法的参数", "isv.parameter-invalid",
                                  f"{start_name}/{end_name} 应为秒级时间戳，且结束不早于开始")
    return (start, end), None


def search_list(store, params):
    span, error = _window(params, "update_time_start", "update_time_end")
    if error:
        return error
    descending = not params.get("order_asc")
    key = "update_time" if params.get("order_by") == "update_time" else "create_time"
    with store.lock:
        rows = [o for o in store.orders.values() if span[0] <= o["update_time"] <= span[1]]
        rows = copy.deepcopy(sorted(rows, key=lambda o: (o[key], o["order_id"]), reverse=descending))
    paging, error = _page(params, rows)
    if error:
        return error
    page, size, chunk = paging
    return ok_answer({"page": page, "size": size, "total": len(rows), "shop_order_list": chunk})


def order_detail(store, params):
    with store.lock:
        order = copy.deepcopy(store.orders.get(str(params.get("shop_order_id") or "")))
    if order is None:
        return error_answer(BUSINESS_FAILED, "业务处理失败", "isv.business-failed:10002", "订单不存在")
    return ok_answer({"shop_order_detail": order})


def logistics_add(store, params):
    for name in ("order_id", "company_code", "logistics_code"):
        if not params.get(name):
            return error_answer(PARAMETER_MISSING, "缺少必选参数", "isv.parameter-missing", f"缺少参数 {name}")
    with store.lock:
        order = store.orders.get(str(params["order_id"]))
        if order is None:
            return error_answer(BUSINESS_FAILED, "业务处理失败", "isv.business-failed:10002", "订单不存在")
        if order["order_status"] not in SHIPPABLE:
            return error_answer(BUSINESS_FAILED, "业务处理失败", "isv.business-failed:10015",
                                f"订单状态为{order['order_status_desc']}，不允许发货")
        stamp = store.tick()
        order.update(order_status=3, order_status_desc=STATUS_DESC[3], ship_time=stamp, update_time=stamp)
        order["logistics_info"].append({"tracking_no": params["logistics_code"], "company": params["company_code"],
                                        "ship_time": stamp, "delivery_id": str(len(store.shipments) + 1)})
        for sku in order["sku_order_list"]:
            sku["order_status"] = 3
        store.shipments.append({"order_id": order["order_id"], "company_code": params["company_code"],
                                "logistics_code": params["logistics_code"], "at": stamp})
    return ok_answer({})


def after_sale_list(store, params):
    span, error = _window(params, "update_start_time", "update_end_time")
    if error:
        return error
    with store.lock:
        rows = [a for a in store.after_sales.values() if span[0] <= a["aftersale_info"]["update_time"] <= span[1]]
        descending = "update_time desc" in (params.get("order_by") or [])
        rows = copy.deepcopy(sorted(rows, key=lambda a: (a["aftersale_info"]["update_time"],
                                                         a["aftersale_info"]["aftersale_id"]), reverse=descending))
    paging, error = _page(params, rows)
    if error:
        return error
    page, size, chunk = paging
    return ok_answer({"page": page, "size": len(chunk), "total": len(rows),
                      "has_more": len(rows) > (page + 1) * size, "items": chunk})


def sync_stock(store, params):
    qty = params.get("stock_num")
    if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0:
        return error_answer(PARAMETER_INVALID, "非法的参数", "isv.parameter-invalid", "stock_num 应为非负整数")
    if params.get("code"):
        key = str(params["code"])
    elif params.get("product_id") and params.get("sku_id"):
        key = f"dy-{params['product_id']}-{params['sku_id']}"
    else:
        return error_answer(PARAMETER_MISSING, "缺少必选参数", "isv.parameter-missing", "sku_id 或 code 必填其一")
    with store.lock:
        if key not in store.stock:
            return error_answer(BUSINESS_FAILED, "业务处理失败", "isv.business-failed:-20004", f"sku不存在：{key}")
        store.stock[key] = qty
    return ok_answer({})


def sync_stock_batch(store, params):
    """sku.syncStockBatch: product_id, incremental, sku_sync_list [{sku_id, sku_type, stock_num}]; all or nothing."""
    product_id, entries = params.get("product_id"), params.get("sku_sync_list")
    if not product_id or not isinstance(entries, list) or not entries:
        return error_answer(PARAMETER_MISSING, "缺少必选参数", "isv.parameter-missing", "product_id 与 sku_sync_list 必填")
    if params.get("incremental") not in (False, True):
        return error_answer(PARAMETER_MISSING, "缺少必选参数", "isv.parameter-missing", "incremental 必填")
    changes = {}
    with store.lock:
        for entry in entries:
            entry = entry if isinstance(entry, dict) else {}
            qty, sku_id = entry.get("stock_num"), entry.get("sku_id")
            if not sku_id or isinstance(qty, bool) or not isinstance(qty, int) or \
                    (qty < 0 and not params["incremental"]) or entry.get("sku_type", 0) != 0:
                return error_answer(PARAMETER_INVALID, "非法的参数", "isv.parameter-invalid",
                                    f"sku {sku_id}: stock_num 应为非负整数, sku_type 应为 0")
            key = f"dy-{product_id}-{sku_id}"
            if key not in store.stock:
                return error_answer(BUSINESS_FAILED, "业务处理失败", "isv.business-failed:-20004", f"sku不存在：{key}")
            new = store.stock[key] + qty if params["incremental"] else qty
            if new < 0:
                return error_answer(BUSINESS_FAILED, "业务处理失败", "isv.business-failed:-20001", "库存不足")
            changes[key] = new
        store.stock.update(changes)
    return ok_answer({})


METHODS = {"order.searchList": search_list, "order.orderDetail": order_detail, "order.logisticsAdd": logistics_add,
           "afterSale.List": after_sale_list, "sku.syncStock": sync_stock, "sku.syncStockBatch": sync_stock_batch}


def _refusal(store, query, body):
    """The answer to a call whose public parameters or signature do not hold, else None."""
    for name in ("app_key", "method", "timestamp", "v", "sign"):
        if not query.get(name):
            sub = "isv.signature-missing" if name == "sign" else "isv.parameter-missing"
            return error_answer(PARAMETER_MISSING, "缺少必选参数", sub, f"缺少参数 {name}")
    if query["app_key"] != store.app_key:
        return error_answer(PARAMETER_INVALID, "非法的参数", "isv.app-id-invalid", "认证失败，app_key不存在")
    sign_method = query.get("sign_method") or "md5"   # the platform's default without sign_method
    if sign_method not in SIGN_METHODS or not verify(query["sign"], store.app_secret, query["app_key"], query["method"],
                                                     body, query["timestamp"], sign_method, query["v"]):
        return error_answer(PARAMETER_INVALID, "非法的参数", "isv.signature-invalid", "签名校验失败")
    try:
        sent = parse_timestamp(query["timestamp"])
    except ValueError:
        return error_answer(PARAMETER_INVALID, "非法的参数", "isv.timestamp-format-error", "时间戳格式错误")
    if abs(epoch_of(datetime.now(timezone.utc)) - epoch_of(sent)) > 600:
        return error_answer(PARAMETER_INVALID, "非法的参数", "isv.timestamp-invalid", "时间戳不合法")
    if not query.get("access_token"):
        return error_answer(PARAMETER_MISSING, "缺少必选参数", "isv.access-token-missing",
                            "认证失败，access_token不能为空")
    if query["access_token"] != store.access_token:
        return error_answer(PARAMETER_INVALID, "非法的参数", "isv.access-token-no-existed",
                            "access_token不存在，请使用最新的access_token访问")
    return None


def _fault_answer(store, kind):
    if kind == "auth":
        return jsonify(error_answer(PERMISSION_DENIED, "操作权限不足", "dop.authorization-no-existed",
                                    "店铺授权已失效，请重新授权"))
    if kind == "rate_limit":
        return jsonify(error_answer(TRAFFIC_LIMITED, "触发限流，请稍后重试", "isv.traffic-limited",
                                    "请求太频繁，请稍后重试"))
    if kind == "server":
        return jsonify(error_answer(20000, "服务不可用", "dop.service-error", "服务调用失败，请稍后重试")), 500
    if kind == "business":
        return jsonify(error_answer(BUSINESS_FAILED, "业务处理失败", "isv.business-failed:-20001", "库存不足"))
    return jsonify(ok_answer({"page": 0, "size": 100, "total": "many", "shop_order_list": "none", "items": "none"}))


def create_app(store=None):
    """The sandbox's Flask app around a DouyinStore (a fresh seeded one by default)."""
    store = store or DouyinStore()
    app = Flask(__name__)
    app.config["store"] = store
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    @app.route("/<path:path>", methods=["GET", "POST"])
    def gateway(path):
        query = request.args.to_dict()
        body = request.get_data(as_text=True) or query.get("param_json") or "{}"
        refusal = _refusal(store, query, body)
        if refusal:
            return jsonify(refusal)
        handler = METHODS.get(query["method"])
        if handler is None or method_path(query["method"]) != path.strip("/"):
            return jsonify(error_answer(70000, "接口服务已下线", "isp.api-service-off", "API不存在或API已下线"))
        try:
            params = json.loads(body)
        except ValueError:
            params = None
        if not isinstance(params, dict):
            return jsonify(error_answer(PARAMETER_INVALID, "非法的参数", "isv.parameter-format-invalid",
                                        "业务参数json解析失败"))
        with store.lock:
            store.requests.append({"method": query["method"], "query": query, "body": params})
        kind = store.next_fault()
        if kind == "timeout":
            time.sleep(store.hang_s)
        elif kind:
            return _fault_answer(store, kind)
        return jsonify(handler(store, params))

    _install_controls(app, store)
    return app


def _install_controls(app, store):
    """Test and demo controls under /_sandbox/ (no signature)."""

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
            store.fail_next(body.get("kind", "rate_limit"), int(body.get("times", 1)), int(body.get("after", 0)))
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
    store = DouyinStore(seed=seed, **options)
    return serve_in_thread(create_app(store), store, port=port)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local Douyin shop open platform (抖店) sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8707)
    args = parser.parse_args(argv)
    print(f"Douyin shop sandbox on http://{args.host}:{args.port} (app_key {DEFAULT_APP_KEY}, "
          f"secret {DEFAULT_SECRET}, access_token {DEFAULT_TOKEN})", flush=True)
    create_app(DouyinStore()).run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
