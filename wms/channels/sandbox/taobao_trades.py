"""The TOP sandbox's trade APIs: `taobao.trades.sold.increment.get` (modified windows of at most a day),
`taobao.trades.sold.get` (by created time, the last 3 months by default), both with page_no / page_size (at most
100), use_has_next, the status filter and field selection (top level, and orders.x for sub-orders), and
`taobao.logistics.offline.send` (recorded by the store; a trade not awaiting shipment is refused). Trade shapes as
in wms.channels.taobao_trades. Served by wms.channels.sandbox.taobao, whose router checks the signature, app key,
session and timestamp and answers its call-limit faults first.
"""
import copy
from datetime import datetime, timedelta

from wms.channels.sandbox.taobao_store import error_answer
from wms.channels.taobao_protocol import TOP_TZ, parse_top_time

MAX_PAGE_SIZE = 100


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


def _page_args(params):
    try:
        page_no, page_size = int(params.get("page_no") or 1), int(params.get("page_size") or 40)
    except ValueError:
        return None, error_answer(41, "Invalid arguments:page_no", "isv.invalid-parameter:page_no")
    if page_no < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        return None, error_answer(41, "Invalid arguments:page_size", "isv.invalid-parameter:page_size",
                                  f"page_size 取值范围 1-{MAX_PAGE_SIZE}")
    return (page_no, page_size), None


def _page(params, rows):
    if not params.get("fields"):
        return error_answer(40, "Missing required arguments:fields", "isv.missing-parameter:fields")
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
        return None, error_answer(41, f"Invalid arguments:{start_name},{end_name}", "isv.invalid-parameter",
                                  "时间格式应为 yyyy-MM-dd HH:mm:ss")
    if end < start or (max_span and end - start > max_span):
        return None, error_answer(41, f"Invalid arguments:{start_name},{end_name}", "isv.invalid-parameter",
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
            return error_answer(40, f"Missing required arguments:{name}", f"isv.missing-parameter:{name}")
    try:
        tid = int(params["tid"])
    except ValueError:
        return error_answer(41, "Invalid arguments:tid", "isv.invalid-parameter:tid")
    _shipment, error = store.ship(tid, params["out_sid"], params["company_code"])
    return error or {"shipping": {"is_success": True}}


METHODS = {
    "taobao.trades.sold.increment.get": increment_get,
    "taobao.trades.sold.get": sold_get,
    "taobao.logistics.offline.send": offline_send,
}
