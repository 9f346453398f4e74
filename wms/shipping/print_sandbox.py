"""A sandbox print component: speaks the CAINIAO print component's protocol (print_component.py) on a
local WebSocket and writes every document it prints to a file, so the demo and the tests print through
the same path a packing PC's component takes, with no printer attached.

Run: ``python -m wms.shipping.print_sandbox [--port 13528] [--out instance/print_component]``, or in a
thread: ``PrintSandbox(out_dir).start()`` -> ``.url``. One printer, ``PRINTER`` (the default printer).
Each `print` task is answered at once (taken, or refused), then each of its documents is written to
``<out>/<taskID>/<documentID>.json`` (the document as received) and `notifyPrintResult` says printed.
Faults, consumed one per task: ``fail_next("offline" | "paper_out" | "silent", times=1)``, or over the
socket ``{"cmd": "sandbox.fail", "mode": ..., "times": 1}`` (the sandbox's own command):
offline - the task is refused (status failed, 打印机脱机), as a component whose printer is off;
paper_out - the task is taken, nothing prints, and the notification says failed (缺纸);
silent - the task is taken and never reported: the page must keep it as not confirmed.
A task for a printer the component does not have is refused (无效的打印机).

Transport: wsproto (pinned, through Flask-SocketIO) over plain sockets, one thread per connection.
"""
import argparse
import json
import re
import socket
import threading
from pathlib import Path

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, BytesMessage, CloseConnection, Ping, RejectConnection, Request, TextMessage
from wsproto.utilities import RemoteProtocolError

from wms.shipping import print_component

PRINTER = "WMS 沙箱打印机 (Sandbox)"
TEMPLATE_URL = "sandbox://wms-label"   # the demo stations' template: the sandbox prints any template
AGENT_VERSION = "0.4.8.1-wms-sandbox"
FAULTS = {
    "offline": "打印机脱机 (printer offline)",
    "paper_out": "缺纸 (paper out)",
    "silent": "",
}
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class PrintSandbox:
    def __init__(self, out_dir, host="127.0.0.1", port=0):
        self.out_dir = Path(out_dir)
        self.faults, self.tasks = [], []        # tasks: every print request received, in order
        self._lock = threading.Lock()
        self._listener = socket.create_server((host, port), reuse_port=False)
        self._listener.settimeout(0.5)
        self._stopping = threading.Event()

    @property
    def url(self):
        host, port = self._listener.getsockname()[:2]
        return f"ws://{host}:{port}"

    def start(self):
        threading.Thread(target=self._serve, daemon=True, name="print-sandbox").start()
        return self

    def stop(self):
        self._stopping.set()
        self._listener.close()

    def fail_next(self, mode, times=1):
        if mode not in FAULTS:
            raise ValueError(f"unknown fault {mode!r}; one of {sorted(FAULTS)}")
        with self._lock:
            self.faults.extend([mode] * int(times))

    def printed_files(self):
        """Every document written so far (sorted paths)."""
        return sorted(self.out_dir.glob("*/*.json")) if self.out_dir.exists() else []

    # --- serving -----------------------------------------------------------------------------------

    def _serve(self):
        while not self._stopping.is_set():
            try:
                conn, _addr = self._listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            threading.Thread(target=self._connection, args=(conn,), daemon=True, name="print-sandbox-conn").start()

    def _connection(self, conn):
        ws = WSConnection(ConnectionType.SERVER)
        text = []
        with conn:
            try:
                while not self._stopping.is_set():
                    data = conn.recv(65536)
                    ws.receive_data(data or None)
                    for event in ws.events():
                        if isinstance(event, Request):
                            conn.sendall(ws.send(AcceptConnection()))
                        elif isinstance(event, TextMessage):
                            text.append(event.data)
                            if event.message_finished:
                                for answer in self.handle("".join(text)):
                                    conn.sendall(ws.send(TextMessage(data=json.dumps(answer, ensure_ascii=False))))
                                text = []
                        elif isinstance(event, BytesMessage):
                            continue
                        elif isinstance(event, Ping):
                            conn.sendall(ws.send(event.response()))
                        elif isinstance(event, CloseConnection):
                            conn.sendall(ws.send(event.response()))
                            return
                    if not data:
                        return
            except RemoteProtocolError as error:  # not a WebSocket request: answer as wsproto hints (400)
                hint = error.event_hint if isinstance(error.event_hint, RejectConnection) else None
                if hint is not None:
                    conn.sendall(ws.send(hint))
            except OSError:
                return

    # --- the protocol --------------------------------------------------------------------------------

    def handle(self, text):
        """The messages answering one request (an answer, then any notification)."""
        try:
            body = json.loads(text)
        except ValueError:
            return [{"cmd": "unknown", "requestID": "", "status": "failed", "msg": "invalid JSON"}]
        if not isinstance(body, dict):
            return [{"cmd": "unknown", "requestID": "", "status": "failed", "msg": "invalid request"}]
        cmd, request_id = str(body.get("cmd") or ""), str(body.get("requestID") or "")
        head = {"cmd": cmd, "requestID": request_id}
        if cmd == "getPrinters":
            offline = self._peek() == "offline"
            return [{**head, "status": "success", "msg": "", "defaultPrinter": PRINTER,
                     "printers": [{"name": PRINTER, "status": "disable" if offline else "enable"}]}]
        if cmd == "getAgentInfo":
            return [{**head, "status": "success", "msg": "", "version": AGENT_VERSION}]
        if cmd == "getTaskStatus":
            return [{**head, "status": "success", "printStatus": self._task_status(body.get("taskID") or [])}]
        if cmd == "sandbox.fail":
            try:
                self.fail_next(str(body.get("mode")), int(body.get("times") or 1))
            except (TypeError, ValueError) as error:
                return [{**head, "status": "failed", "msg": str(error)}]
            return [{**head, "status": "success", "msg": ""}]
        if cmd == "print":
            return self._print(head, body)
        return [{**head, "status": "failed", "msg": f"unknown cmd {cmd}"}]

    def _print(self, head, body):
        problem = print_component.check_print_request(body)
        task = body.get("task") if isinstance(body.get("task"), dict) else {}
        task_id = str(task.get("taskID") or "")
        if not problem and task.get("printer") not in ("", None, PRINTER):
            problem = f"无效的打印机 (no printer named {task.get('printer')})"
        fault = None if problem else self._take_fault()
        if fault == "offline":
            problem = FAULTS["offline"]
        if problem:
            self._record(task_id, task, "failed", problem)
            return [{**head, "taskID": task_id, "status": "failed", "msg": problem}]
        answer = {**head, "taskID": task_id, "status": "success", "msg": ""}
        if fault == "silent":
            self._record(task_id, task, "taken", "")
            return [answer]
        documents = task["documents"]
        if fault == "paper_out":
            self._record(task_id, task, "failed", FAULTS["paper_out"])
            return [answer, self._notify(task_id, documents, "failed", FAULTS["paper_out"])]
        for item in documents:
            self._write(task_id, item)
        self._record(task_id, task, "printed", "")
        return [answer, self._notify(task_id, documents, "printed", "")]

    def _notify(self, task_id, documents, status, message):
        ok = status == "printed"
        return {"cmd": "notifyPrintResult", "printer": PRINTER, "taskID": task_id, "taskStatus": status,
                "printStatus": [{"documentID": str(item.get("documentID")), "status": "success" if ok else "failed",
                                 "msg": message, "detail": message} for item in documents]}

    def _write(self, task_id, item):
        directory = self.out_dir / _SAFE.sub("_", task_id)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{_SAFE.sub('_', str(item['documentID']))}.json"
        path.write_text(json.dumps(item, ensure_ascii=False, indent=1), encoding="utf-8")

    def _record(self, task_id, task, status, message):
        with self._lock:
            self.tasks.append({"taskID": task_id, "status": status, "msg": message, "task": task})

    def _task_status(self, task_ids):
        with self._lock:
            known = {entry["taskID"]: entry for entry in self.tasks}
        answer = []
        for task_id in task_ids if isinstance(task_ids, list) else []:
            entry = known.get(str(task_id))
            documents = (entry or {}).get("task", {}).get("documents") or [{}]
            for item in documents:
                answer.append({"taskID": str(task_id), "documentID": str(item.get("documentID") or ""),
                               "status": entry["status"] if entry else "unknown", "msg": (entry or {}).get("msg", "")})
        return answer

    def _take_fault(self):
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def _peek(self):
        with self._lock:
            return self.faults[0] if self.faults else None


def start_for_demo(out_dir, port):
    """The launcher's sandbox on the loopback at `port` (the page of a station on this PC connects to
    it); None when the port is taken - a real print component may be listening there."""
    try:
        return PrintSandbox(out_dir, "127.0.0.1", port).start()
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser(description="A sandbox print component (CAINIAO protocol) writing to files")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=13528)
    parser.add_argument("--out", default="instance/print_component")
    args = parser.parse_args()
    sandbox = PrintSandbox(args.out, args.host, args.port).start()
    print(f"print component sandbox on {sandbox.url}, writing to {args.out}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
