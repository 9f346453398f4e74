// The local print component on the packing PC (CAINIAO 打印组件 protocol; the messages and their sources
// are in wms/shipping/print_component.py). The component runs on this PC, so this page - not the server -
// opens its WebSocket (ws://127.0.0.1:13528 by default), sends each label as a `print` task the server
// built, and waits for the component's word: the `print` answer says it took the task (or refused it),
// `notifyPrintResult` says it printed or failed. Nothing is dropped silently: a task the component never
// confirms resolves as "unconfirmed" and stays submitted on the server, in the station's not-printed list.
//
//   const component = new PrintComponent(url, { printer, onState });
//   component.connect();
//   const result = await printJob(component, job, report);   // result.status: printed | failed | unconfirmed
//
// States (onState): connecting, connected, error (connected, but the printer is not usable), not_found
// (nothing listens on the address), closed (it was connected and went away: reconnecting).

const RECONNECT_MS = 3000;
const CONFIRM_MS = 60000;          // a taken task with no notice by then is unconfirmed
const NOTIFY_ALIASES = { PrintResultNotify: "notifyPrintResult" };  // PDD's name for the same notice

function requestId() {
  return (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`).replace(/-/g, "");
}

export class PrintComponent {
  constructor(url, { printer = "", onState = () => {}, confirmMs = CONFIRM_MS } = {}) {
    this.url = url;
    this.printer = printer;
    this.onState = onState;
    this.confirmMs = confirmMs;
    this.state = "connecting";
    this.detail = "";
    this.printers = [];
    this.defaultPrinter = "";
    this.pending = new Map();     // taskID -> { resolve, submitted, onSubmitted, timer }
    this.requests = new Map();    // requestID -> taskID (print) or a resolver (other commands)
    this.everOpened = false;
    this.socket = null;
  }

  connect() {
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.setState("not_found", String(error));
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.everOpened = true;
      this.setState("connected", "");
      this.refreshPrinters();
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      this.socket = null;
      this.setState(this.everOpened ? "closed" : "not_found", "");
      this.abandonAll();
      setTimeout(() => this.connect(), RECONNECT_MS);
    };
  }

  setState(state, detail) {
    this.state = state;
    this.detail = detail || "";
    this.onState(state, this);
  }

  send(body) {
    this.socket.send(JSON.stringify({ ...body, version: "1.0" }));
  }

  // getPrinters: which printer the tasks go to, and whether it is usable (the sandbox's offline printer is "disable").
  refreshPrinters() {
    const id = requestId();
    this.requests.set(id, (answer) => {
      this.printers = answer.printers || [];
      this.defaultPrinter = answer.defaultPrinter || "";
      const name = this.printer || this.defaultPrinter;
      const found = this.printers.find((p) => p.name === name);
      if (!found) this.setState("error", name ? `no printer named ${name}` : "no printer");
      else if (found.status && found.status !== "enable") this.setState("error", `${name}: ${found.status}`);
      else this.setState("connected", name);
    });
    this.send({ cmd: "getPrinters", requestID: id });
  }

  // Resolves once the component answered (connected or error) or could not be reached, at most after ms.
  settled(ms = 5000) {
    if (this.state !== "connecting") return Promise.resolve(this.state);
    return new Promise((resolve) => {
      const started = Date.now();
      const poll = () => (this.state !== "connecting" || Date.now() - started > ms ? resolve(this.state) : setTimeout(poll, 50));
      poll();
    });
  }

  get printerName() {
    return this.printer || this.defaultPrinter;
  }

  // One task; resolves {status: "printed" | "failed" | "unconfirmed", message}. onSubmitted runs when the
  // component took it.
  print(task, { onSubmitted = () => {} } = {}) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
      return Promise.resolve({ status: "failed", message: "print component not connected" });
    }
    return new Promise((resolve) => {
      const id = requestId();
      this.requests.set(id, task.taskID);
      this.pending.set(task.taskID, { resolve, submitted: false, onSubmitted, timer: null });
      this.send({ cmd: "print", requestID: id, task });
    });
  }

  receive(text) {
    let body;
    try { body = JSON.parse(text); } catch (error) { return; }
    const cmd = NOTIFY_ALIASES[body.cmd] || body.cmd;
    const waiting = this.requests.get(String(body.requestID || ""));
    if (cmd === "print") {
      this.requests.delete(String(body.requestID || ""));
      this.onPrintAnswer(String(body.taskID || waiting || ""), body);
    } else if (cmd === "notifyPrintResult") {
      this.onNotice(String(body.taskID || ""), body);
    } else if (typeof waiting === "function") {
      this.requests.delete(String(body.requestID));
      waiting(body);
    }
  }

  onPrintAnswer(taskID, body) {
    const entry = this.pending.get(taskID);
    if (!entry) return;
    if (body.status && body.status !== "success") return this.finish(taskID, "failed", body.msg || body.status);
    entry.submitted = true;
    entry.onSubmitted();
    entry.timer = setTimeout(() => this.finish(taskID, "unconfirmed", ""), this.confirmMs);
  }

  onNotice(taskID, body) {
    const documents = body.printStatus || [];
    const bad = documents.find((d) => d.status && !["success", "printed"].includes(d.status));
    if (body.taskStatus === "failed" || bad) return this.finish(taskID, "failed", body.msg || (bad && (bad.msg || bad.detail)) || "failed");
    if (body.taskStatus === "printed") this.finish(taskID, "printed", "");
  }

  finish(taskID, status, message) {
    const entry = this.pending.get(taskID);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(taskID);
    entry.resolve({ status, message });
  }

  // The socket went away: a task it took is unconfirmed, one it never answered failed.
  abandonAll() {
    for (const [taskID, entry] of this.pending) {
      this.finish(taskID, entry.submitted ? "unconfirmed" : "failed", "print component disconnected");
    }
    this.requests.clear();
  }
}

// Print one server print job (it carries `task`) and report each step: report(job, outcome, error).
export async function printJob(component, job, report) {
  const result = await component.print(job.task, { onSubmitted: () => report(job, "submitted", "") });
  if (result.status === "printed" || result.status === "failed") await report(job, result.status, result.message);
  return result;
}
