"""The local print component's protocol (CAINIAO 打印组件 / 云打印交互协议). Pure: stdlib only.

Chinese packing PCs run a print component: a process on the PC that owns the label printers and
listens on a local WebSocket (ws://127.0.0.1:13528, wss on 13529). The page talks to it directly, so
the PC's printer prints what the browser sends, and the component tells which document printed.
Every request is a JSON object `{"cmd", "requestID", "version": "1.0", ...}`; every answer carries the
same `cmd` and `requestID` back. The commands the WMS uses:

- `getPrinters` -> `{"defaultPrinter", "printers": [{"name", "status": "enable" | ...}]}`
- `print` with `task: {taskID, preview, printer, documents: [{documentID, contents: [{templateURL,
  data}]}]}` -> `{"taskID", "status": "success" | "failed", "msg"}`: the task was taken (or refused).
- `notifyPrintResult` (pushed by the component, no request): `{"printer", "taskID", "taskStatus":
  "rendered" | "printed" | "failed", "printStatus": [{"documentID", "status", "msg", "detail"}]}`.
- `getTaskStatus` with `taskID: [...]` -> `{"printStatus": [{"taskID", "documentID", "status", "msg"}]}`.
- `getAgentInfo` -> the component's version.

Sources (public): CAINIAO's 云打印交互协议, open.taobao.com/docs/doc.htm?treeId=409&articleId=107014
(mirrored at open.alitrip.com/docs/doc.htm?articleId=107014&docType=1&treeId=409 and, with the
response and notification fields, hnshengzhong.cn/reference/protocols.html and
www.950288.xyz/blog/2025-05-23/cn-printer-websocket); the client in github.com/gavin-hao/ec-print
(src/printProvider.ts: requests matched by requestID, `notifyPrintResult` listeners,
`getTaskStatus(taskID[])`; src/providers/cainiao.ts: an answer succeeded when `status == "success"`).
The PDD component (ws://127.0.0.1:5000) names the notification `PrintResultNotify` and Douyin's
(ws://127.0.0.1:13888) speaks the same messages (ec-print's providers); `parse_message` reads both.

Contents: a component renders each content with the template at `templateURL` (made in the 菜鸟模板编辑器,
whose fields read `<%=_data.waybillCode%>`) filled with `data`. `document_data` is that data for a WMS
label: the same values the PDF and ZPL print, the buyer masked as the label masks them.
"""
import json
from dataclasses import dataclass, field

PROTOCOL_VERSION = "1.0"
DEFAULT_URL = "ws://127.0.0.1:13528"
DEFAULT_SECURE_URL = "wss://127.0.0.1:13529"
NOTIFY_ALIASES = {"PrintResultNotify": "notifyPrintResult"}  # PDD's name for the same notification

TASK_PRINTED, TASK_FAILED, TASK_RENDERED = "printed", "failed", "rendered"
TASK_PREFIX = "wms-"          # taskIDs the WMS sends: wms-<print job id>
MAX_MESSAGE_BYTES = 4 * 1024 * 1024


class ProtocolError(ValueError):
    """A message that is not the component's JSON."""


def request(cmd, request_id, **body):
    """One request of the protocol: the header every command carries, then its own fields."""
    return {"cmd": cmd, "requestID": str(request_id), "version": PROTOCOL_VERSION, **body}


def print_request(request_id, task_id, documents, printer="", preview=False):
    """The `print` command: one task of documents, to `printer` ("" = the component's default)."""
    return request("print", request_id, task={"taskID": str(task_id), "preview": bool(preview),
                                               "printer": printer or "", "documents": list(documents)})


def document(document_id, template_url, data):
    """One document (one label) with one content: the template and the values it is filled with."""
    return {"documentID": str(document_id), "contents": [{"templateURL": template_url, "data": dict(data)}]}


def task_id_for(print_job_id):
    return f"{TASK_PREFIX}{int(print_job_id)}"


def print_job_id_of(task_id):
    """The print job a taskID of ours names, or None for someone else's task."""
    text = str(task_id or "")
    if not text.startswith(TASK_PREFIX) or not text[len(TASK_PREFIX):].isdigit():
        return None
    return int(text[len(TASK_PREFIX):])


def document_data(label, recipient_name, recipient_phone, pdf_url=""):
    """The template's data for a label (a labels.LabelData; the recipient as printed, masked or not)."""
    return {
        "waybillCode": label.tracking_number, "cpName": label.carrier_name, "service": label.service,
        "sortCode": label.sort_code, "packageCenter": label.package_centre, "orderNo": label.order_ref,
        "recipient": {"name": recipient_name, "mobile": recipient_phone, "address": label.recipient.address},
        "sender": {"name": label.sender.name, "mobile": label.sender.phone, "address": label.sender.address},
        "cargo": label.cargo, "itemCount": label.item_count, "weightG": label.weight_g,
        "printTime": label.printed_at, "paper": label.paper, "pdfURL": pdf_url,
    }


@dataclass(frozen=True)
class Outcome:
    """What one message from the component says about our tasks."""

    cmd: str
    request_id: str = ""
    task_id: str = ""
    ok: bool = True                 # print: the task was taken; notify: it printed
    final: bool = False             # the task's result is known (printed or failed)
    message: str = ""
    documents: tuple = field(default_factory=tuple)   # ((documentID, ok, message), ...)
    raw: dict = field(default_factory=dict)


def parse_message(text):
    """Read one message of the component into an Outcome; raise ProtocolError on anything else."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    if len(text) > MAX_MESSAGE_BYTES:
        raise ProtocolError("message too large")
    try:
        body = json.loads(text)
    except ValueError as error:
        raise ProtocolError(f"not JSON: {error}") from None
    if not isinstance(body, dict) or not isinstance(body.get("cmd"), str):
        raise ProtocolError("no cmd")
    cmd = NOTIFY_ALIASES.get(body["cmd"], body["cmd"])
    common = {"cmd": cmd, "request_id": str(body.get("requestID") or ""), "task_id": str(body.get("taskID") or ""),
              "message": str(body.get("msg") or ""), "raw": body}
    if cmd == "notifyPrintResult":
        documents = tuple(_document_status(item) for item in body.get("printStatus") or () if isinstance(item, dict))
        status = body.get("taskStatus")
        failed = status == TASK_FAILED or any(not ok for _id, ok, _msg in documents)
        message = common["message"] or next((msg for _id, ok, msg in documents if not ok and msg), "")
        return Outcome(**{**common, "message": message}, ok=not failed, documents=documents,
                       final=failed or status == TASK_PRINTED)
    ok = str(body.get("status", "success")).lower() == "success"
    return Outcome(**common, ok=ok, final=not ok)


def _document_status(item):
    status = str(item.get("status") or "")
    ok = status in ("success", TASK_PRINTED, "")
    return str(item.get("documentID") or ""), ok, str(item.get("msg") or item.get("detail") or "")


def check_print_request(body):
    """The problems of a `print` request as the component would refuse it (the sandbox's check)."""
    task = body.get("task")
    if not isinstance(task, dict):
        return "task is required"
    if not str(task.get("taskID") or ""):
        return "taskID is required"
    documents = task.get("documents")
    if not isinstance(documents, list) or not documents:
        return "documents are required"
    for item in documents:
        if not isinstance(item, dict) or not str(item.get("documentID") or ""):
            return "every document needs a documentID"
        contents = item.get("contents")
        if not isinstance(contents, list) or not contents:
            return f"document {item.get('documentID')} has no contents"
    return ""
