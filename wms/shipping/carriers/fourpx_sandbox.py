"""A local 4PX Open Platform sandbox speaking the wire format of fourpx.py, with fault injection.

Run: ``python -m wms.shipping.carriers.fourpx_sandbox --port 8703`` (app key ``sandbox-4px-key``,
secret ``sandbox-4px-secret``), or in a thread: ``FourPxSandbox().start()`` -> ``.url``.
It checks every request's signature as 4PX does and keeps the consignments it created by ref_no:
a second create with the same ref_no is refused as "此单已存在", as 4PX refuses it, and
``ds.xms.order.get`` returns the first. Faults, consumed one per create: ``fail_next("timeout" |
"auth" | "declaration" | "address" | "error", times=1)`` (over HTTP: ``POST /_sandbox/fail`` with
``mode`` and ``times``). A timeout creates the consignment and then answers too late, as a real
forwarder may; "declaration" is a business refusal of the customs lines (result 0 with errors).
"""
import argparse
import itertools
import json
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from wms.shipping.carriers.fourpx import CANCEL, CREATE, GATEWAY, GET, TRACK, VERSIONS, sign
from wms.shipping.carriers.sandbox_server import HttpSandbox

APP_KEY, APP_SECRET = "sandbox-4px-key", "sandbox-4px-secret"


class FourPxSandbox(HttpSandbox):
    thread_name = "4px-sandbox"

    def __init__(self, host="127.0.0.1", port=0, hang_s=2.0, app_key=APP_KEY, app_secret=APP_SECRET):
        self.hang_s, self.app_key, self.app_secret = hang_s, app_key, app_secret
        self.orders = {}          # ref_no -> consignment_info
        self.requests = []        # (method, body dict) of every signed call received
        self._numbers = itertools.count(int(time.time()) % 1_000_000 * 1000)
        self._listen(host, port, _handler(self))

    def settings(self, **extra):
        """Carrier.settings that point the 4PX adapter at this sandbox."""
        return {**self.settings_for(self.url, self.app_key, self.app_secret), "timeout_s": 1.0, **extra}

    @staticmethod
    def settings_for(url, app_key=APP_KEY, app_secret=APP_SECRET):
        """Adapter settings for a sandbox at `url` (e.g. one started with `python -m ...fourpx_sandbox`)."""
        return {"adapter": "fourpx", "api_url": url, "app_key": app_key, "app_secret": app_secret,
                "product_code": "PX", "timeout_s": 5.0}

    # --- the API -------------------------------------------------------------------------------

    def call(self, query, body_text):
        method = query.get("method", "")
        if method not in VERSIONS:
            return 500, "com.fpx.api.ApiException: API接口不存在 (no such method)"
        expected = sign(query.get("app_key", ""), method, query.get("timestamp", ""), query.get("v", ""), body_text,
                        self.app_secret, query.get("format", "json"))
        if query.get("app_key") != self.app_key or query.get("sign") != expected:
            return 200, _refused("SYS-001", "签名错误 sign check failed")
        body = json.loads(body_text or "{}")
        with self._lock:
            self.requests.append((method, body))
            fault = self.faults.pop(0) if method == CREATE and self.faults else None
        if fault == "auth":
            return 200, _refused("SYS-002", "app_key 未授权 (app_key not authorised)")
        if fault == "declaration":
            return 200, _refused("DS-1033", "申报品名英文不能包含中文 (declare_product_name_en must not contain Chinese)")
        if fault == "address":
            return 200, _refused("DS-1021", "收件人邮编与城市不匹配 (recipient post_code does not match city)")
        if fault == "error":
            return 500, {"result": "0", "msg": "系统繁忙 (system busy)", "errors": []}
        answer = {CREATE: self._create, GET: self._get, CANCEL: self._cancel, TRACK: self._track}[method](body)
        if fault == "timeout":
            time.sleep(self.hang_s)
        return 200, answer

    def _create(self, body):
        ref_no = str(body.get("ref_no") or "")
        if not ref_no:
            return _refused("DS-1001", "ref_no 不能为空 (ref_no is required)")
        recipient = body.get("recipient_info") or {}
        if not recipient.get("country") or not recipient.get("street"):
            return _refused("DS-1020", "收件人地址不能为空 (recipient address is required)")
        lines = [line for parcel in body.get("parcel_list") or [] for line in parcel.get("declare_product_info") or []]
        if not lines:
            return _refused("DS-1030", "申报信息不能为空 (declare_product_info is required)")
        with self._lock:
            if ref_no in self.orders:
                return _refused("DS-1002", f"此单已存在 (ref_no {ref_no} already exists)")
            number = f"4PX{next(self._numbers):012d}CN"
            self.orders[ref_no] = {"ref_no": ref_no, "4px_tracking_no": number, "ds_consignment_no": f"DS{number}",
                                   "logistics_channel_no": f"LC{number[3:-2]}", "consignment_status": "P",
                                   "logistics_product_code": (body.get("logistics_service_info") or {})
                                   .get("logistics_product_code", ""), "body": body, "events": []}
        info = self.orders[ref_no]
        return {"result": "1", "msg": "系统处理成功", "errors": [],
                "data": {"ref_no": ref_no, "4px_tracking_no": info["4px_tracking_no"], "label_barcode": info["4px_tracking_no"],
                         "ds_consignment_no": info["ds_consignment_no"], "logistics_channel_no": info["logistics_channel_no"],
                         "logistics_channel_name": "4PX Standard"}}

    def _get(self, body):
        wanted = str(body.get("request_no") or "")
        found = [{"consignment_info": {k: v for k, v in info.items() if k not in ("body", "events")}}
                 for info in self.orders.values() if wanted in (info["ref_no"], info["4px_tracking_no"])]
        return {"result": "1", "msg": "系统处理成功", "errors": [], "data": found}

    def _cancel(self, body):
        wanted = str(body.get("request_no") or "")
        for info in self.orders.values():
            if wanted in (info["ref_no"], info["4px_tracking_no"]):   # as 4PX: its number or the ref_no
                info["consignment_status"] = "X"
                return {"result": "1", "msg": "系统处理成功", "errors": [], "data": None}
        return _refused("DS-1101", f"订单不存在 (no order {wanted})")

    def _track(self, body):
        wanted = str(body.get("deliveryOrderNo") or "")
        for info in self.orders.values():
            if wanted == info["4px_tracking_no"]:
                return {"result": "1", "msg": "系统处理成功", "errors": [],
                        "data": {"deliveryOrderNo": wanted, "destinationCountry": info["body"]["recipient_info"]["country"],
                                 "trackingList": list(info["events"])}}
        return _refused("TR-001", f"无轨迹 (no tracking for {wanted})")

    def add_event(self, number, content, location="", at="2026-12-01 10:00:00"):
        """A scan at the forwarder, as tr.order.tracking.get answers it."""
        for info in self.orders.values():
            if info["4px_tracking_no"] == number:
                info["events"].append({"occurDatetime": at, "trackingContent": content, "occurLocation": location,
                                       "businessLinkCode": ""})


def _refused(code, message):
    return {"result": "0", "msg": "系统处理失败", "errors": [{"error_code": code, "error_msg": message}], "data": None}


def _handler(sandbox):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == GATEWAY:
                status, answer = sandbox.call(query, body)
            elif url.path == "/_sandbox/fail":
                form = {k: v[0] for k, v in parse_qs(body).items()}
                sandbox.fail_next(form.get("mode", "timeout"), int(form.get("times", 1)))
                status, answer = 200, {"faults": sandbox.faults}
            else:
                status, answer = 404, {"result": "0", "msg": "not found", "errors": []}
            self._send(status, answer)

        def _send(self, status, answer):
            is_text = isinstance(answer, str)
            data = (answer if is_text else json.dumps(answer, ensure_ascii=False)).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain;charset=UTF-8" if is_text else "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description="4PX Open Platform sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8703)
    args = parser.parse_args()
    sandbox = FourPxSandbox(args.host, args.port)
    print(f"4PX sandbox on {sandbox.url} (app key {APP_KEY}, secret {APP_SECRET})", flush=True)
    sandbox.server.serve_forever()


if __name__ == "__main__":
    main()
