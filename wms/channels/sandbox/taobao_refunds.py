"""The TOP sandbox's refunds: `taobao.refunds.receive.get` (modified window, status filter, page_no /
page_size at most 100, use_has_next, only the fields the list documents) and `taobao.refund.get` (one refund
by refund_id, the detail fields), plus the /_sandbox/refunds controls tests use to open and change refunds.
Shapes as in wms.channels.taobao_refunds (bububa/opentaobao model/refund/*.go mirror the TOP reference).

A refund is opened on a trade of the store (`open_refund`): on the whole trade (oid = tid when it has one
sub-order, as TOP documents) or on one sub-order (`line`: its index). Served by wms.channels.sandbox.taobao,
whose router checks the signature, app key, session and timestamp and answers its call-limit faults first.
"""
import copy
import itertools
from datetime import datetime

from flask import jsonify, request

from wms.channels.sandbox.taobao_store import error_answer
from wms.channels.taobao_protocol import TOP_TZ, parse_top_time
from wms.channels.taobao_refunds import DETAIL_FIELDS, RECEIVE_FIELDS

FIRST_REFUND_ID = 91_262_004_118_520_000
MAX_PAGE_SIZE = 100  # taobao.refunds.receive.get's own page limit (trades.sold.get has one too)
_LISTED = frozenset(RECEIVE_FIELDS.split(","))
_DETAILED = frozenset(DETAIL_FIELDS.split(",")) | {"total_fee", "good_status", "order_status", "refund_phase", "price"}
_ids = itertools.count(FIRST_REFUND_ID)


def _tick(store):
    """Now in Beijing time, never before a refund's or trade's `modified` so far."""
    stamps = [store.tick()] + [r["modified"] for r in store.refunds.values() if _is_time(r.get("modified"))]
    return max(stamps, key=parse_top_time)


def _is_time(text):
    try:
        parse_top_time(str(text))
    except ValueError:
        return False
    return True


def open_refund(store, tid, line=None, **fields):
    """A buyer's refund request on trade `tid` (all of it, or its sub-order `line`), then `fields` as given."""
    with store.lock:
        trade = store.trades.get(int(tid))
        if trade is None:
            return None
        orders = trade["orders"]["order"]
        order = orders[int(line or 0)]
        whole = line is None
        stamp = _tick(store)
        refund = {
            "refund_id": str(next(_ids)), "tid": trade["tid"],
            "oid": trade["tid"] if whole else order["oid"],   # the whole trade: oid = tid, as for one sub-order
            "title": order["title"], "total_fee": trade["payment"], "price": order["price"],
            "num": order["num"], "num_iid": order["num_iid"],
            "outer_id": order.get("outer_sku_id") or order.get("outer_iid") or "", "sku": order.get("sku_id", ""),
            "status": "WAIT_SELLER_AGREE", "has_good_return": False, "good_status": "BUYER_NOT_RECEIVED",
            "refund_fee": trade["payment"] if whole else order["payment"], "payment": "0.00",
            "reason": "拍错了/多拍了", "desc": "", "company_name": "", "sid": "",
            "order_status": trade["status"], "refund_phase": "onsale", "created": stamp, "modified": stamp,
        }
        refund.update(fields)
        store.refunds[str(refund["refund_id"])] = refund
        return copy.deepcopy(refund)


def change_refund(store, refund_id, fields):
    """The platform moves a refund on (status, sid...): its `modified` is stamped now unless given."""
    with store.lock:
        refund = store.refunds.get(str(refund_id))
        if refund is None:
            return None
        refund.update(fields)
        if "modified" not in fields:
            refund["modified"] = _tick(store)
        return copy.deepcopy(refund)


def _window(store, start, end):
    with store.lock:
        rows = [r for r in store.refunds.values()
                if not _is_time(r.get("modified")) or start <= parse_top_time(r["modified"]) <= end]
        return copy.deepcopy(rows)


def _fields(params, allowed):
    return [f.strip() for f in (params.get("fields") or "").split(",") if f.strip() in allowed]


def receive_get(store, params):
    """taobao.refunds.receive.get: the seller's refunds modified in [start_modified, end_modified], newest first."""
    if not params.get("fields"):
        return error_answer(40, "Missing required arguments:fields", "isv.missing-parameter:fields")
    try:
        page_no, page_size = int(params.get("page_no") or 1), int(params.get("page_size") or 40)
        start = parse_top_time(params["start_modified"]) if params.get("start_modified") else datetime.min.replace(tzinfo=TOP_TZ)
        end = parse_top_time(params["end_modified"]) if params.get("end_modified") else datetime.now(TOP_TZ)
    except ValueError:
        return error_answer(41, "Invalid arguments", "isv.invalid-parameter", "page_no, page_size 或时间格式错误")
    if page_no < 1 or not 1 <= page_size <= MAX_PAGE_SIZE or end < start:
        return error_answer(41, "Invalid arguments:page_size", "isv.invalid-parameter",
                      f"page_size 取值范围 1-{MAX_PAGE_SIZE}，结束时间不能早于开始时间")
    rows = [r for r in _window(store, start, end) if not params.get("status") or r.get("status") == params["status"]]
    rows.sort(key=lambda r: (r.get("modified") if _is_time(r.get("modified")) else "", str(r.get("refund_id"))),
              reverse=True)
    fields = _fields(params, _LISTED)
    chunk = [{k: v for k, v in r.items() if k in fields} for r in rows[(page_no - 1) * page_size: page_no * page_size]]
    body = {"refunds": chunk if params.get("simplify") == "true" else {"refund": chunk}}
    if params.get("use_has_next") == "true":
        body["has_next"] = len(rows) > page_no * page_size
    else:
        body["total_results"] = len(rows)
    return body


def refund_get(store, params):
    """taobao.refund.get: one refund's detail fields."""
    for name in ("refund_id", "fields"):
        if not params.get(name):
            return error_answer(40, f"Missing required arguments:{name}", f"isv.missing-parameter:{name}")
    with store.lock:
        refund = copy.deepcopy(store.refunds.get(params["refund_id"]))
    if refund is None:
        return error_answer(15, "Remote service error", "isv.refund-not-exist", f"退款单 {params['refund_id']} 不存在")
    fields = _fields(params, _DETAILED)
    return {"refund": {k: v for k, v in refund.items() if k in fields}}


METHODS = {"taobao.refunds.receive.get": receive_get, "taobao.refund.get": refund_get}


def install_controls(app, store):
    """/_sandbox/refunds: open a refund on a trade (POST), change one (PATCH), list them (GET)."""

    @app.post("/_sandbox/refunds")
    def open_refunds():
        body = dict(request.get_json(silent=True) or {})
        refund = open_refund(store, body.pop("tid", 0), body.pop("line", None), **body)
        return (jsonify(refund=refund), 201) if refund else (jsonify(error="no such trade"), 404)

    @app.patch("/_sandbox/refunds/<refund_id>")
    def change_refunds(refund_id):
        refund = change_refund(store, refund_id, request.get_json(silent=True) or {})
        return (jsonify(refund=refund), 200) if refund else (jsonify(error="no such refund"), 404)

    @app.get("/_sandbox/refunds")
    def list_refunds():
        with store.lock:
            return jsonify(refunds=list(store.refunds.values()))
