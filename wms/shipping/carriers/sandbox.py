"""A local Kuaidi100 sandbox speaking the wire format of kuaidi100.py, with fault injection.

Run: ``python -m wms.shipping.carriers.sandbox --port 8702`` (key ``sandbox-key``, secret
``sandbox-secret``, customer ``SANDBOX``), or in a thread: ``Sandbox().start()`` -> ``.url``.
Faults, consumed one per label request: ``fail_next("timeout" | "address_rejected" | "quota" |
"error", times=1)`` (over HTTP: ``POST /_sandbox/fail`` with ``mode`` and ``times``). A timeout
creates the waybill and then answers too late, as a real carrier does; a resend with the same
``orderId`` gets that same waybill back, never a second one.
"""
import argparse
import itertools
import json
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from wms.contacts.address import split_address
from wms.contacts.cn_divisions import short_name
from wms.shipping.carriers.kuaidi100 import label_sign, query_sign
from wms.shipping.carriers.sandbox_server import HttpSandbox

KEY, SECRET, CUSTOMER = "sandbox-key", "sandbox-secret", "SANDBOX"
PREFIX = {"shunfeng": "SF", "zhongtong": "ZT", "yuantong": "YT", "yunda": "YD", "ems": "EM", "jd": "JD"}
CHINA = timezone(timedelta(hours=8))
AREA_CODES = {"北京": "010", "上海": "021", "天津": "022", "重庆": "023", "广州": "020", "深圳": "755", "杭州": "571",
              "南京": "025", "成都": "028", "武汉": "027", "西安": "029", "苏州": "512", "宁波": "574", "乌鲁木齐": "991"}
_CITY_SUFFIXES = ("自治州", "地区", "市", "盟")
_PROVINCE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


class Sandbox(HttpSandbox):
    thread_name = "kuaidi100-sandbox"

    def __init__(self, host="127.0.0.1", port=0, delay_s=0.0, hang_s=2.0, key=KEY, secret=SECRET, customer=CUSTOMER):
        self.delay_s, self.hang_s = delay_s, hang_s
        self.key, self.secret, self.customer = key, secret, customer
        self.waybills = {}        # kuaidinum -> {"orderId", "kuaidicom", "param", "status"}
        self.by_order = {}        # (kuaidicom, orderId) -> kuaidinum
        self.requests = []        # (method, param dict) of every signed label call received
        self._numbers = itertools.count(int(time.time()) % 10_000_000 * 1000)
        routing("浙江省杭州市西湖区")  # load the division tree now: a first answer is not late by its loading
        self._listen(host, port, _handler(self), _Server)

    def settings(self, kuaidicom="shunfeng", **extra):
        """Carrier.settings that point the Kuaidi100 adapter at this sandbox."""
        return {**self.settings_for(self.url, self.key, self.secret, self.customer), "kuaidicom": kuaidicom,
                "timeout_s": 1.0, **extra}

    @staticmethod
    def settings_for(url, key=KEY, secret=SECRET, customer=CUSTOMER):
        """Adapter settings for a sandbox at `url` (e.g. one started with `python -m ...sandbox`)."""
        return {"adapter": "kuaidi100", "api_url": url, "poll_url": url, "key": key, "secret": secret,
                "customer": customer, "partner_id": "WMS", "timeout_s": 5.0}

    # --- the API -------------------------------------------------------------------------------

    def label(self, form):
        param_text, t = form.get("param", ""), form.get("t", "")
        if form.get("key") != self.key or label_sign(param_text, t, self.key, self.secret) != form.get("sign"):
            return 200, {"result": False, "returnCode": "400", "message": "签名错误 (sign mismatch)"}
        param = json.loads(param_text)
        method = form.get("method")
        with self._lock:
            self.requests.append((method, param))
            fault = self.faults.pop(0) if method == "order" and self.faults else None
        if method == "cancel":
            return self._cancel(param)
        if method != "order":
            return 200, {"result": False, "returnCode": "400", "message": f"unknown method {method}"}
        if fault == "address_rejected":
            return 200, {"result": False, "returnCode": "400", "message": "收件地址超出服务范围 (address rejected)"}
        if fault == "quota":
            return 200, {"result": False, "returnCode": "601", "message": "电子面单余额不足 (quota exceeded)"}
        if fault == "error":
            return 500, {"result": False, "returnCode": "500", "message": "服务器错误"}
        answer = 200, self._order(param)
        if fault == "timeout":
            time.sleep(self.hang_s)
        return answer

    def _order(self, param):
        com, order_id = param.get("kuaidicom", ""), str(param.get("orderId", ""))
        if not (param.get("recMan") or {}).get("printAddr"):
            return {"result": False, "returnCode": "400", "message": "收件地址不能为空 (address missing)"}
        with self._lock:
            number = self.by_order.get((com, order_id)) if order_id else None
            if number is None:
                number = f"{PREFIX.get(com, 'KD')}{next(self._numbers):013d}"
                self.waybills[number] = {"orderId": order_id, "kuaidicom": com, "param": param, "status": "created",
                                         "created": datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S")}
                if order_id:
                    self.by_order[(com, order_id)] = number
        return {"result": True, "returnCode": "200", "message": "提交成功",
                "data": {"taskId": f"T{number}", "kuaidinum": number, "kuaidicom": com, "kdComOrderNum": f"K{number}",
                         "label": "", **routing(param["recMan"]["printAddr"])}}

    def _cancel(self, param):
        waybill = self.waybills.get(param.get("kuaidinum"))
        if waybill is None:
            return 200, {"result": False, "returnCode": "400", "message": "运单号不存在 (unknown waybill)"}
        waybill["status"] = "cancelled"
        return 200, {"result": True, "returnCode": "200", "message": "取消成功"}

    def query(self, form):
        param_text = form.get("param", "")
        if form.get("customer") != self.customer or query_sign(param_text, self.key, self.customer) != form.get("sign"):
            return 200, {"result": False, "returnCode": "400", "message": "签名错误 (sign mismatch)"}
        number = json.loads(param_text).get("num")
        waybill = self.waybills.get(number)
        if waybill is None:
            return 200, {"result": False, "returnCode": "500", "message": "查询无结果，请隔段时间再查"}
        return 200, last_result(number, waybill["kuaidicom"], self.events_of(number))

    def events_of(self, number):
        waybill = self.waybills[number]
        return waybill.setdefault("events", [
            {"time": waybill["created"], "ftime": waybill["created"], "context": "【仓库】已揽收", "status": "揽收",
             "statusCode": "1", "location": ""}])

    def add_event(self, number, context, status_code="0", status="在途"):
        """Append a carrier event (newest first in answers), as a scan at the carrier would."""
        now = datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S")
        self.events_of(number).insert(0, {"time": now, "ftime": now, "context": context, "status": status,
                                          "statusCode": status_code, "location": ""})


def routing(print_address):
    """The routing fields a carrier answers for a destination, as Kuaidi100 passes them on: ``bulkpen``
    (大头笔 / 三段码: city, area code, sorting lane), ``pkgName`` / ``pkgCode`` (集包地) and the
    destination sorting centre. Derived from the address, the same for the same city and district."""
    parts = split_address(print_address)
    city = short_name(parts.city, _CITY_SUFFIXES) or parts.city or short_name(parts.province, _PROVINCE_SUFFIXES) or ""
    area = AREA_CODES.get(city, f"{sum(map(ord, city or '?')) % 900 + 100}")
    lane = sum(map(ord, parts.district or "?"))
    hub = city or "全国"
    return {"bulkpen": f"{city} {area}-{chr(65 + lane % 26)}{lane % 9 + 1}".strip(), "pkgName": f"{hub}转运中心",
            "pkgCode": f"P{area}", "destSortingCode": f"{area}-{lane % 90 + 10}", "destSortingName": f"{hub}分拨中心"}


def last_result(number, com, events):
    """A query answer / a push's lastResult."""
    state = events[0]["statusCode"] if events else "0"
    return {"message": "ok", "nu": number, "ischeck": "1" if state == "3" else "0", "com": com, "status": "200",
            "state": state, "condition": "F00", "data": events}


class _Server(ThreadingHTTPServer):
    """A carrier takes many calls at once (a bulk waybill request sends a chunk's side by side): a listen
    backlog of 5, the standard library's, would refuse connections a real gateway accepts."""

    request_queue_size = 128


def _handler(sandbox):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            url = urlparse(self.path)
            form = {k: v[0] for k, v in parse_qs(body).items()}
            for k, v in parse_qs(url.query).items():
                form.setdefault(k, v[0])
            if sandbox.delay_s:
                time.sleep(sandbox.delay_s)
            if url.path == "/label/order":
                status, answer = sandbox.label(form)
            elif url.path == "/poll/query.do":
                status, answer = sandbox.query(form)
            elif url.path == "/_sandbox/fail":
                sandbox.fail_next(form.get("mode", "timeout"), int(form.get("times", 1)))
                status, answer = 200, {"faults": sandbox.faults}
            else:
                status, answer = 404, {"result": False, "returnCode": "404", "message": "not found"}
            self._send(status, answer)

        def _send(self, status, answer):
            data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description="Kuaidi100 sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8702)
    parser.add_argument("--delay-ms", type=float, default=0)
    args = parser.parse_args()
    sandbox = Sandbox(args.host, args.port, delay_s=args.delay_ms / 1000)
    print(f"kuaidi100 sandbox on {sandbox.url} (key {KEY}, secret {SECRET}, customer {CUSTOMER})", flush=True)
    sandbox.server.serve_forever()


if __name__ == "__main__":
    main()
