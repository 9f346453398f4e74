"""Local stand-ins for the buyers' notice providers, for the tests and the demo (`make run` starts them):

- `AliyunSmsSandbox`: speaks dysmsapi SendSms as wms/tracking/aliyun_sms.py documents it (RPC parameters,
  the HMAC-SHA1 signature checked with the configured secret, the JSON answer with Code / Message / BizId,
  the documented refusal codes), and keeps every message it accepted. `GET /inbox` lists them (JSON) with the
  emails of the SMTP sink it is given, so the demo can show what buyers received.
  Faults (`fail_next`): "limit" isv.BUSINESS_LIMIT_CONTROL, "system" isp.SYSTEM_ERROR (HTTP 500),
  "illegal_number" isv.MOBILE_NUMBER_ILLEGAL, "no_money" isv.AMOUNT_NOT_ENOUGH, "timeout" (no answer for
  `slow_s` seconds).
- `SmtpSink`: a minimal SMTP server (HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) that keeps each message.
"""
import json
import socketserver
import threading
import time
import uuid
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from wms.shipping.carriers.sandbox_server import HttpSandbox
from wms.tracking.aliyun_sms import ACTION, VARIABLE_MOST, VERSION, signature

DEMO_KEY_ID, DEMO_KEY_SECRET, DEMO_SIGN_NAME = "demo-key", "demo-secret", "仓库通知"
DEMO_TEMPLATES = {"shipped": "SMS_900001", "shortage": "SMS_900002", "out_for_delivery": "SMS_900003",
                  "exchange_shipped": "SMS_900004", "refund_done": "SMS_900005"}
FAULTS = {
    "limit": (200, "isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1"),
    "system": (500, "isp.SYSTEM_ERROR", "系统错误"),
    "illegal_number": (200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"),
    "no_money": (200, "isv.AMOUNT_NOT_ENOUGH", "账户余额不足"),
}
REQUIRED = ("AccessKeyId", "Action", "PhoneNumbers", "SignName", "SignatureMethod", "SignatureNonce",
            "SignatureVersion", "TemplateCode", "Timestamp", "Version", "Signature")


class AliyunSmsSandbox(HttpSandbox):
    thread_name = "aliyun-sms-sandbox"

    def __init__(self, host="127.0.0.1", port=0, *, key_id=DEMO_KEY_ID, key_secret=DEMO_KEY_SECRET, slow_s=3.0,
                 mailbox=None):
        self.key_id, self.key_secret, self.slow_s = key_id, key_secret, slow_s
        self.mailbox = mailbox  # an SmtpSink whose emails /inbox lists too (the demo's)
        self.received, self._nonces = [], set()
        self._listen(host, port, _sms_handler(self))

    def take_fault(self):
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def check(self, params, method):
        """(http status, answer) for one SendSms call."""
        missing = [name for name in REQUIRED if not params.get(name)]
        if missing:
            return 400, _refusal("MissingParameter", f"{missing[0]} is mandatory for this action.")
        if params["Action"] != ACTION or params["Version"] != VERSION:
            return 400, _refusal("InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
        if params["AccessKeyId"] != self.key_id:
            return 404, _refusal("InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        given = params.pop("Signature")
        if given != signature(params, self.key_secret, method=method):
            return 400, _refusal("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
        with self._lock:
            if params["SignatureNonce"] in self._nonces:
                return 400, _refusal("SignatureNonceUsed", "Specified signature nonce was used already.")
            self._nonces.add(params["SignatureNonce"])
        try:
            variables = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return 200, _refusal("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        if not isinstance(variables, dict) or any(not isinstance(v, str) for v in variables.values()):
            return 200, _refusal("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        if any(len(v) > VARIABLE_MOST for v in variables.values()):
            return 200, _refusal("isv.PARAM_LENGTH_LIMIT", "参数超出长度限制")
        phones = params["PhoneNumbers"].split(",")
        if any(not (p.isdigit() and len(p) == 11 and p.startswith("1")) for p in phones):
            return 200, _refusal("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        biz_id = f"{int(time.time() * 1000)}^{uuid.uuid4().int % 10 ** 10}"
        with self._lock:
            for phone in phones:
                self.received.append({"phone": phone, "sign_name": params["SignName"], "template": params["TemplateCode"],
                                      "variables": variables, "out_id": params.get("OutId", ""), "biz_id": biz_id})
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": uuid.uuid4().hex.upper()}


def _refusal(code, message):
    return {"Code": code, "Message": message, "RequestId": uuid.uuid4().hex.upper()}


def _sms_handler(sandbox):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status, body):
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _call(self, params, method):
            fault = sandbox.take_fault()
            if fault == "timeout":
                time.sleep(sandbox.slow_s)
            elif fault in FAULTS:
                status, code, message = FAULTS[fault]
                return self._answer(status, _refusal(code, message))
            return self._answer(*sandbox.check(params, method))

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == "/inbox":
                with sandbox._lock:
                    texts = list(sandbox.received)
                mails = [{"to": m["To"], "subject": m["Subject"], "body": m.get_content()}
                         for m in (list(sandbox.mailbox.messages) if sandbox.mailbox else [])]
                return self._answer(200, {"messages": texts, "emails": mails})
            return self._call(dict(parse_qsl(url.query, keep_blank_values=True)), "GET")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
            return self._call(dict(parse_qsl(body, keep_blank_values=True)), "POST")

    return Handler


class _SinkServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpSink:
    """A local SMTP server that keeps what it receives (`messages`: EmailMessage objects)."""

    def __init__(self, host="127.0.0.1", port=0):
        self.messages, self._lock = [], threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self._say("220 wms-sink ESMTP")
                envelope, data = [], None
                while True:
                    line = self.rfile.readline(65537)
                    if not line:
                        return
                    if data is not None:
                        if line.rstrip(b"\r\n") == b".":
                            with sink._lock:
                                sink.messages.append(message_from_bytes(b"".join(data), policy=policy.default))
                            data, envelope = None, []
                            self._say("250 OK queued")
                        else:
                            data.append(line[1:] if line.startswith(b"..") else line)
                        continue
                    verb = line[:4].upper()
                    if verb in (b"HELO", b"EHLO"):
                        self._say("250 wms-sink")
                    elif verb in (b"MAIL", b"RCPT"):
                        envelope.append(line.strip())
                        self._say("250 OK")
                    elif verb == b"DATA":
                        data = []
                        self._say("354 End data with <CR><LF>.<CR><LF>")
                    elif verb in (b"RSET", b"NOOP"):
                        envelope = []
                        self._say("250 OK")
                    elif verb == b"QUIT":
                        self._say("221 Bye")
                        return
                    else:
                        self._say("502 Command not implemented")

            def _say(self, text):
                self.wfile.write(text.encode() + b"\r\n")

        self.server = _SinkServer((host, port), Handler)

    @property
    def host(self):
        return self.server.server_address[0]

    @property
    def port(self):
        return self.server.server_address[1]

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True, name="smtp-sink").start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
