"""A local Taobao Open Platform (TOP) gateway: the HTTP server and its routing. `/router/rest` speaks the TOP
HTTP protocol (wms.channels.taobao_protocol): the signature, app key, timestamp and session are checked here,
call-limit faults (error code 7) answered, then the method is served by its module - trades
(`taobao.trades.sold.increment.get`, `taobao.trades.sold.get`, `taobao.logistics.offline.send`:
wms.channels.sandbox.taobao_trades), stock (`taobao.item.quantity.update`, `taobao.skus.quantity.update`,
`taobao.skus.custom.get`: wms.channels.sandbox.taobao_stock) and refunds (`taobao.refunds.receive.get`,
`taobao.refund.get`: wms.channels.sandbox.taobao_refunds, none until a test opens one) - against a TopStore
(wms.channels.sandbox.taobao_store); plus /_sandbox/ endpoints tests use to change it, and /_sandbox/tmc to
push a signed TMC message to a URL (wms.channels.sandbox.taobao_push).

    python -m wms.channels.sandbox.taobao --port 8705

Channel settings to point at it: {"gateway_url": "http://127.0.0.1:8705", "app_key": "12345678",
"app_secret": "sandbox-secret", "session": "6100sandboxsession", "initial_since": "2026-11-18T00:00:00Z"}.
"""
import argparse
from datetime import datetime

from flask import Flask, jsonify, request

from wms.channels.sandbox import serve_in_thread, taobao_refunds, taobao_stock, taobao_trades
from wms.channels.sandbox.taobao_push import push_tmc_message
from wms.channels.sandbox.taobao_store import DEFAULT_APP_KEY, DEFAULT_SECRET, DEFAULT_SESSION, TopStore, error_answer
from wms.channels.taobao_protocol import SIGN_METHODS, TOP_TZ, parse_top_time, sign_request

METHODS = {**taobao_stock.METHODS, **taobao_trades.METHODS, **taobao_refunds.METHODS}


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
                return jsonify(error_answer(7, "App Call Limited", "accesscontrol.limited-by-app-access-count",
                                            f"This ban will last for {seconds} more seconds"))
        handler = METHODS.get(params["method"])
        if handler is None:
            return jsonify(error_answer(22, "Invalid method", "isv.invalid-method", params["method"]))
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
            return error_answer(code, f"Missing required arguments:{name}", f"isv.missing-parameter:{name}")
    if params["app_key"] != store.app_key:
        return error_answer(29, "Invalid app Key", "isv.appkey-not-exists")
    method = params.get("sign_method") or "md5"
    if method not in SIGN_METHODS:
        return error_answer(25, "Invalid signature", "isv.invalid-signature-method")
    if sign_request(params, store.app_secret, method) != params["sign"].upper():
        return error_answer(25, "Invalid signature")
    try:
        sent = parse_top_time(params["timestamp"])
    except ValueError:
        return error_answer(31, "Invalid timestamp")
    if abs((datetime.now(TOP_TZ) - sent).total_seconds()) > 600:
        return error_answer(31, "Invalid timestamp", "isv.invalid-timestamp", "时间戳与服务器时间相差超过10分钟")
    if not params.get("session"):
        return error_answer(26, "Missing session", "isv.missing-session")
    if params["session"] != store.session:
        return error_answer(27, "Invalid session", "invalid-sessionkey", "SessionKey非法")
    return None


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
