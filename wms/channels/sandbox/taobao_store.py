"""The Taobao (TOP) sandbox's shop, in memory: its trades (seeded from wms.channels.sandbox.taobao_seed), the
items and SKUs in stock, the offline shipments recorded, the refunds opened (wms.channels.sandbox.taobao_refunds),
the call-limit faults still to serve and every /router/rest call seen; the app key, secret and session it
accepts; and `error_answer`, TOP's error_response as the gateway and its APIs answer it.
"""
import copy
import itertools
import threading
from datetime import datetime

from wms.channels.sandbox.taobao_seed import FIRST_TID, ITEMS, SEED, build_trade, seed_trades
from wms.channels.taobao_protocol import TOP_TZ, format_top_time, parse_top_time

DEFAULT_APP_KEY = "12345678"
DEFAULT_SECRET = "sandbox-secret"
DEFAULT_SESSION = "6100sandboxsession"
SHIPPABLE = {"WAIT_SELLER_SEND_GOODS", "SELLER_CONSIGNED_PART"}


def error_answer(code, msg, sub_code=None, sub_msg=None):
    """TOP's {"error_response": {code, msg, sub_code, sub_msg, request_id}}."""
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
                return None, error_answer(15, "Remote service error", "isv.item-not-exist", f"商品 {num_iid} 不存在")
            target = item if sku_id is None else item["skus"].get(sku_id)
            if target is None:
                return None, error_answer(15, "Remote service error", "isv.sku-not-exist", f"SKU {sku_id} 不存在")
            field = "num" if sku_id is None else "quantity"
            new = target[field] + quantity if incremental else quantity
            if new < 0 or (not incremental and quantity < 0):
                return None, error_answer(15, "Remote service error", "isv.invalid-parameter:quantity", "库存不能小于0")
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
                return None, error_answer(15, "Remote service error", "isv.logistics-offline-service-error:B01",
                                          f"交易 {tid} 不存在")
            if trade["status"] not in SHIPPABLE:
                return None, error_answer(15, "Remote service error", "isv.logistics-offline-service-error:B04",
                                          f"订单状态为 {trade['status']}，不能发货")
            stamp = self.tick()
            trade.update(status="WAIT_BUYER_CONFIRM_GOODS", consign_time=stamp, modified=stamp)
            for order in trade["orders"]["order"]:
                if order["status"] in SHIPPABLE:
                    order["status"] = "WAIT_BUYER_CONFIRM_GOODS"
            shipment = {"tid": tid, "out_sid": out_sid, "company_code": company_code, "at": stamp}
            self.shipments.append(shipment)
            return dict(shipment), None
