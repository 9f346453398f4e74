// Pack station: scan a tote or order, verify every item (loud error on a wrong one or one too many),
// carton + weight, seal. Scans and seals are floor events in the handheld's IndexedDB outbox
// (static/handheld/outbox.js, imported, not copied): written before the screen says done, replayed in
// order to /api/station/events, applied exactly once by client UUID. The pack queue is cached in
// IndexedDB so a station keeps verifying offline; a seal made offline waits in the outbox and its
// label prints when the network is back (label.ready, or the print-job list fetched on reconnect, which also
// lists labels sent lately to the station's network printer: their push may have gone while the socket was down).
// A station with a print component (打印组件, static/js/print_component.js) prints each label there and
// reports the component's word to the server; its state is in the bar, and every label nobody confirmed
// printed stays in the "Not printed" list with a reprint button.
import { ApiError, createApi, latestTurn } from "/static/js/api.js";
import * as db from "/static/handheld/db.js";
import * as outbox from "/static/handheld/outbox.js";
import * as feedback from "/static/handheld/feedback.js";
import { Scanner } from "/static/handheld/scanner.js";
import { messageOf, setLocale, t } from "/static/handheld/i18n.js";
import { PrintComponent, printJob } from "/static/js/print_component.js";

const CONFIG = JSON.parse(document.getElementById("station-config").textContent);
const TOLERANCE_PCT = 10;
const TOLERANCE_MIN_G = 50;
const $ = (id) => document.getElementById(id);
const state = { station: null, queue: [], task: null, online: navigator.onLine, labels: new Map(), printed: new Set(),
  component: null, componentSends: Promise.resolve(), awaiting: new Map(), awaitTimer: null,
  sealRows: new Map(), labelled: new Set(), failures: new Set() };

// A sealed parcel whose label has not come yet is asked for again every AWAIT_POLL_MS (for AWAIT_MAX_MS at
// most; /parcels/<id>/label): its label.ready or waybill.failed push may have gone out while the socket was
// reconnecting, and the catch-up after a reconnect may have run before the seal's waybill was done. A label
// that comes, or a waybill the carrier refused, ends the asking; a waybill failing for a while (the job asks
// the carrier again by itself) is shown and asked on. The seal's row says which: it gives way to the label's row.
const AWAIT_POLL_MS = 2000;
const AWAIT_MAX_MS = 120000;

function say(text, kind = "info") {
  const el = $("message");
  el.textContent = text;
  el.className = `message ${kind}`;
  if (kind === "bad") feedback.bad();
  else if (kind === "good") feedback.good();
}

// The session cookie and the page's CSRF token (a desk page; the handheld uses a bearer token).
const api = createApi({ csrf: true });

// --- queue and task (cached for offline) -------------------------------------------------------

const queueTurn = latestTurn();

async function loadQueue() {
  const mine = queueTurn();
  try {
    const body = await api("GET", "/api/station/queue");
    if (!mine()) return;  // a later load is on its way with a fresher queue
    state.queue = body.tasks;
    await db.setMeta("pack_queue", state.queue);
    setOnline(true);
  } catch (error) {
    if (!mine()) return;
    state.queue = (await db.getMeta("pack_queue", [])) || [];
    setOnline(false);
  }
  renderQueue();
}

function findTask(code) {
  return state.queue.find((task) => task.ref === code || String(task.order_id) === code || task.totes.includes(code));
}

async function openTask(code) {
  let task = findTask(code);
  if (!task && state.online) {
    const body = await api("GET", `/api/station/lookup?code=${encodeURIComponent(code)}`).catch(() => null);
    if (body && body.order_id) task = body;
  }
  if (!task) return say(t("Nothing to pack for {code}", { code }), "bad");
  if (task.status && task.status !== "picked") return say(t("Order {order} is {status}, not ready to pack", { order: task.ref, status: task.status }), "bad");
  state.task = { ...task, verified: { ...(task.verified || {}) } };
  renderTask();
  say(t("Order {order}: scan every item", { order: task.ref }), "good");
}

function itemFor(code) {
  return state.task.items.find((item) => item.sku === code || item.barcodes.includes(code));
}

function missing(task) {
  return task.items.filter((item) => (task.verified[item.sku] || 0) < item.qty);
}

// --- scans ------------------------------------------------------------------------------------

async function onScan(code) {
  if (!state.task) return openTask(code);
  if (findTask(code) && findTask(code).order_id !== state.task.order_id && !itemFor(code)) return openTask(code);
  const item = itemFor(code);
  if (!item) return say(t("Wrong item {scanned}: it is not in this order", { scanned: code }), "bad");
  const done = state.task.verified[item.sku] || 0;
  if (done + 1 > item.qty) return say(t("One too many: the order has only {qty} x {sku}", { qty: item.qty, sku: item.sku }), "bad");
  await outbox.record({ kind: "pack_scan", order_id: state.task.order_id, barcode: code, qty: 1, station: state.station, task_id: 0 });
  state.task.verified[item.sku] = done + 1;
  renderTask();
  if (!missing(state.task).length) {
    feedback.done();
    say(t("All items verified: choose the carton and weigh"), "good");
    $("weight").focus();
  } else {
    say(t("{sku}: {done} of {qty}", { sku: item.sku, done: done + 1, qty: item.qty }), "good");
  }
  flush();
}

async function seal(event) {
  event.preventDefault();
  const task = state.task;
  if (!task || missing(task).length) return say(t("Not all items verified: {missing}", { missing: missing(task || { items: [], verified: {} }).map((i) => i.sku).join(", ") }), "bad");
  const carton = task.cartons.find((c) => c.code === $("carton").value);
  const weight = parseInt($("weight").value, 10);
  const expected = task.items.reduce((sum, item) => sum + item.weight_g * item.qty, 0) + (carton ? carton.tare_g : 0);
  const tolerance = Math.max(TOLERANCE_MIN_G, Math.floor((expected * TOLERANCE_PCT) / 100));
  if (!weight || weight <= 0) return say(t("Enter the weight in grams"), "bad");
  if (Math.abs(weight - expected) > tolerance) {
    return say(t("Weight {actual} g is off: expected {expected} g ± {tolerance} g. Check the parcel", { actual: weight, expected, tolerance }), "bad");
  }
  const stored = await outbox.record({ kind: "seal", order_id: task.order_id, carton: $("carton").value, weight_g: weight,
    paper: $("paper").value, station: state.station, task_id: 0 });
  // 店小秘 flow: the label printed before picking is already on the goods; the seal prints nothing
  const early = task.early_label;
  addLabel(`seal:${stored.uuid}`, { what: early ? t("{order}: sealed with its waybill {tracking}", { order: task.ref, tracking: early })
    : t("{order}: label queued", { order: task.ref }) });
  state.queue = state.queue.filter((q) => q.order_id !== task.order_id);
  await db.setMeta("pack_queue", state.queue);
  state.task = null;
  renderTask();
  renderQueue();
  feedback.done();
  if (early) say(t("Order {order} sealed with the label printed before picking: no new label", { order: task.ref }), "good");
  else say(state.online ? t("Order {order} sealed: the label is on its way", { order: task.ref })
    : t("Sealed offline: the label prints when the network is back"), "good");
  flush();
}

// --- outbox replay ------------------------------------------------------------------------------

async function send(events) {
  const body = await api("POST", "/api/station/events", { station: state.station, events });
  if (!body.answers) throw new Error("no answers");
  setOnline(true);
  return body.answers;
}

async function onAnswer(entry, answer) {
  if (entry.kind === "seal" && answer.status === "accepted" && answer.code !== "pack_sealed_early") {
    const id = answer.parcel_id;
    if (state.labelled.has(id) || state.failures.has(id)) {
      dropLabel(`seal:${entry.uuid}`);  // its label, or its waybill's failure, came before the seal's answer: it has a row
    } else {
      state.sealRows.set(id, `seal:${entry.uuid}`);
      addLabel(`seal:${entry.uuid}`, { what: t("Parcel {id}: waiting for the tracking number", { id }) });
    }
    awaitLabel(id);
  }
  if (answer.status === "rejected") {
    say(messageOf(answer), "bad");
    if (entry.kind === "seal") addLabel(`seal:${entry.uuid}`, { what: messageOf(answer) });
    await loadQueue();
  }
}

async function flush() {
  try {
    const had = await outbox.count();
    await outbox.flush(send, onAnswer);
    if (had) await resyncLabels();  // a seal that was waiting: its label may be ready already
  } catch (error) {
    setOnline(false);
  }
  updateQueued();
}

// --- labels -------------------------------------------------------------------------------------

function addLabel(key, { what, job }) {
  let row = state.labels.get(key);
  if (!row) {
    row = $("label-row").content.firstElementChild.cloneNode(true);
    $("labels").prepend(row);
    state.labels.set(key, row);
  }
  row.querySelector(".what").textContent = what;
  const preview = row.querySelector(".preview");
  const reprint = row.querySelector(".reprint");
  preview.hidden = reprint.hidden = !job;
  if (job) {
    preview.href = job.pdf_url;
    reprint.onclick = () => api("POST", reprintPath(job)).catch(() => say(t("Reprint needs the network"), "bad"));
  }
}

function dropLabel(key) {
  const row = state.labels.get(key);
  if (row) row.remove();
  state.labels.delete(key);
}

// The row of a job's label; a parcel's replaces the row of its seal, and the parcel is awaited no more.
function labelRow(job, text) {
  if (job.parcel_id) {
    state.awaiting.delete(job.parcel_id);
    state.labelled.add(job.parcel_id);
    const sealKey = state.sealRows.get(job.parcel_id);
    if (sealKey) dropLabel(sealKey);
    state.sealRows.delete(job.parcel_id);
  }
  addLabel(labelKey(job), { what: `${job.tracking_number} · ${job.carrier} · ${text}`, job });
}

// A parcel whose waybill failed: said once per failure, shown on its seal's row; a refusal ends the asking.
function showWaybillFailure(parcelId, message, temporary) {
  if (state.labelled.has(parcelId)) return;  // a later attempt got the label
  const text = t("Waybill failed for parcel {id}: {message}", { id: parcelId, message });
  addLabel(state.sealRows.get(parcelId) || `parcel:${parcelId}`, { what: text });
  if (!temporary) state.awaiting.delete(parcelId);
  if (!state.failures.has(parcelId)) say(text, "bad");  // the push and the asking may both bring it
  state.failures.add(parcelId);
}

// A parcel's label, or one printed before picking (a batch from the waybill desk: no parcel yet).
const labelKey = (job) => (job.parcel_id ? `parcel:${job.parcel_id}` : `label:${job.tracking_number}`);
const reprintPath = (job) => (job.parcel_id ? `${stationPath()}/parcels/${job.parcel_id}/reprint`
  : `${stationPath()}/print-jobs/${job.print_job_id}/reprint`);

function awaitLabel(parcelId) {
  if (!parcelId || state.labelled.has(parcelId)) return;  // its label came first
  state.awaiting.set(parcelId, Date.now());
  if (state.awaitTimer) return;
  state.awaitTimer = setInterval(async () => {
    for (const [id, since] of state.awaiting) if (Date.now() - since > AWAIT_MAX_MS) state.awaiting.delete(id);
    if (!state.awaiting.size) {
      clearInterval(state.awaitTimer);
      state.awaitTimer = null;
      return;
    }
    // Asked whatever the socket says: a socket still reconnecting after the network came back (its
    // disconnect noticed late on a busy floor) must not keep a sealed parcel's label from the packer.
    await Promise.all([...state.awaiting.keys()].map(askParcel));
  }, AWAIT_POLL_MS);
}

// Where a print job stands, in the packer's words (the not-printed list, a label this page did not see printed).
const jobStatusText = (job) => ({ ready: t("waiting to print"), printed: t("printed"),
  submitted: t("not confirmed by the print component") }[job.status] || t("not printed: {error}", { error: job.error || job.status }));

async function askParcel(parcelId) {
  const body = await stationRead(`/parcels/${parcelId}/label`).catch(() => null);
  if (!body || !state.awaiting.has(parcelId)) return;
  const job = body.job;
  if (job && (job.status === "ready" || job.status === "sent")) return printLabel(job);
  if (job && job.status !== "queued") {  // printed, handed to the print component or failed before this page saw it
    labelRow(job, jobStatusText(job));
    return loadNotPrinted();
  }
  if (body.status === "waybill_failed") showWaybillFailure(parcelId, body.waybill_error, body.failure_kind === "temporary");
}

function printLabel(job) {
  if (state.printed.has(job.print_job_id)) return;  // label.ready and the reconnect list may both bring it
  state.printed.add(job.print_job_id);
  // A job already sent to the station's network printer (the catch-up list brings those the socket missed)
  // is only shown: neither the print component nor the browser prints it a second time.
  const sent = job.status === "sent";
  if (state.component && !sent) return printOnComponent(job);
  const viaPrinter = sent || CONFIG.printers.includes(state.station);
  labelRow(job, viaPrinter ? t("sent to the label printer") : t("printing"));
  say(t("Label {tracking} ready", { tracking: job.tracking_number }), "good");
  if (viaPrinter) return;
  const frame = $("print-frame");
  frame.onload = () => {
    try { frame.contentWindow.print(); } catch (error) { /* the preview link still works */ }
    api("POST", `/api/station/${encodeURIComponent(state.station)}/print-jobs/${job.print_job_id}/printed`).catch(() => {});
  };
  frame.src = job.pdf_url;
}

// --- the print component ------------------------------------------------------------------------

const stationPath = () => `/api/station/${encodeURIComponent(state.station)}`;

// This login works at this station: its print jobs and labels (a packer sees only these). The sign-in is kept on
// the server with the login (wms.shipping.station_access), and can still move without this page knowing: the same
// login signed in at another station in another tab.
const signIn = () => api("POST", `${stationPath()}/sign-in`).catch(() => null);

// A read of this station's labels; refused as not signed in here (403), it signs in again and asks once more.
async function stationRead(path) {
  try {
    return await api("GET", `${stationPath()}${path}`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    await signIn();
    return api("GET", `${stationPath()}${path}`);
  }
}

function reportOutcome(job, outcome, error) {
  return api("POST", `${stationPath()}/print-jobs/${job.print_job_id}/outcome`, { outcome, error: (error || "").slice(0, 300) })
    .catch(() => null);  // offline: the job stays ready on the server and comes back with the next resync
}

async function printOnComponent(job) {
  const label = (text) => labelRow(job, text);
  label(t("sent to the print component"));
  // Tasks reach the component in the order their labels came (a batch prints in pick order): the steps
  // up to the send are chained one label after another; the wait for each task's outcome is not.
  const sent = state.componentSends.then(async () => {
    await state.component.settled();
    const full = job.task ? job : await api("GET", `${stationPath()}/print-jobs/${job.print_job_id}`).catch(() => null);
    return { outcome: full && full.task ? printJob(state.component, full, reportOutcome)
      : Promise.resolve({ status: "unconfirmed", message: t("Reprint needs the network") }) };
  });
  state.componentSends = sent.catch(() => null);
  const result = await (await sent).outcome;
  if (result.status === "printed") {
    label(t("printed on {printer}", { printer: state.component.printerName }));
    say(t("Label {tracking} printed", { tracking: job.tracking_number }), "good");
  } else {
    const why = result.status === "failed" ? result.message : t("not confirmed by the print component");
    label(t("not printed: {error}", { error: why }));
    say(t("Label {tracking} not printed: {error}", { tracking: job.tracking_number, error: why }), "bad");
  }
  await loadNotPrinted();
}

function showComponentState(componentState, component) {
  const el = $("printer-state");
  el.hidden = false;
  el.dataset.state = componentState;
  const texts = {
    connecting: () => t("Print component: connecting"),
    connected: () => t("Print component connected: {printer}", { printer: component.printerName || component.detail }),
    error: () => t("Print component: printer problem ({detail})", { detail: component.detail }),
    not_found: () => t("Print component not found at {url}", { url: component.url }),
    closed: () => t("Print component disconnected: reconnecting"),
  };
  el.textContent = (texts[componentState] || texts.connecting)();
}

// Called after each label's outcome and on print.failed: three labels of a batch load it at once.
const notPrintedTurn = latestTurn();

async function loadNotPrinted() {
  const mine = notPrintedTurn();
  const body = await stationRead("/not-printed").catch(() => null);
  if (!mine() || !body || !body.jobs) return;
  $("not-printed-card").hidden = body.jobs.length === 0;
  $("not-printed-count").textContent = `(${body.jobs.length})`;
  $("not-printed").replaceChildren(...body.jobs.map((job) => {
    const row = $("not-printed-row").content.firstElementChild.cloneNode(true);
    row.dataset.job = String(job.print_job_id);
    row.querySelector(".what").textContent = `${job.tracking_number} · ${job.carrier}`;
    row.querySelector(".why").textContent = jobStatusText(job);
    row.querySelector(".reprint").onclick = () => api("POST", reprintPath(job))
      .then(() => loadNotPrinted()).catch(() => say(t("Reprint needs the network"), "bad"));
    return row;
  }));
}

async function resyncLabels() {
  const body = await stationRead("/print-jobs").catch(() => null);
  if (body && body.jobs) body.jobs.forEach(printLabel);
}

// --- rendering ----------------------------------------------------------------------------------

function renderTask() {
  const task = state.task;
  $("task-card").hidden = !task;
  if (!task) return;
  $("task-ref").textContent = task.ref;
  $("task-carrier").textContent = task.carrier || "";
  const body = $("checklist");
  body.replaceChildren(...task.items.map((item) => {
    const tr = document.createElement("tr");
    const done = task.verified[item.sku] || 0;
    tr.className = done >= item.qty ? "done" : "";
    // a kit (组合装) is checked as its components: each says which of the order's kits it goes in
    const name = item.kits && item.kits.length ? `${item.name} · ${t("in kit {kits}", { kits: item.kits.join(", ") })}` : item.name;
    [item.sku, name, `${done} / ${item.qty}`].forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i === 2) td.className = "count";
      tr.append(td);
    });
    return tr;
  }));
  const select = $("carton");
  if (select.dataset.order !== String(task.order_id)) {
    select.replaceChildren(...task.cartons.map((c) => new Option(`${c.code} ${c.name}`, c.code, false, c.code === task.suggested_carton)));
    select.dataset.order = String(task.order_id);
    $("weight").value = "";
  }
  $("expected").textContent = t("Expected {grams} g", { grams: task.expected_weight_g });
  $("seal").disabled = missing(task).length > 0;
}

function renderQueue() {
  $("queue-count").textContent = `(${state.queue.length})`;
  $("queue").replaceChildren(...state.queue.slice(0, 30).map((task) => {
    const li = document.createElement("li");
    const units = task.items.reduce((n, i) => n + i.qty, 0);
    li.textContent = `${task.ref} · ${t("{count} items", { count: units })} · ${task.carrier || "-"}`;
    li.onclick = () => openTask(task.ref);
    return li;
  }));
}

function setOnline(online) {
  state.online = online;
  const el = $("net");
  el.dataset.state = online ? "online" : "offline";
  el.textContent = online ? t("Online") : t("Offline");
}

async function updateQueued() {
  const n = await outbox.count();
  $("queued").textContent = n ? t("{count} waiting to send", { count: n }) : "";
}

// --- scale (Web Serial, when the station has one and the browser allows it) -----------------------

async function readScale() {
  if (!("serial" in navigator)) return say(t("This browser cannot read a scale: type the weight"), "bad");
  try {
    const [port] = await navigator.serial.getPorts();
    const scale = port || await navigator.serial.requestPort();
    await scale.open({ baudRate: 9600 });
    const reader = scale.readable.getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    await scale.close();
    const grams = parseFloat(new TextDecoder().decode(value).replace(/[^0-9.]/g, ""));
    if (grams) $("weight").value = String(Math.round(grams));
  } catch (error) {
    say(t("This browser cannot read a scale: type the weight"), "bad");
  }
}

// --- start ----------------------------------------------------------------------------------------

async function start() {
  setLocale(CONFIG.locale);
  feedback.unlockOnGesture();
  const select = $("station");
  const saved = localStorage.getItem("wms.station");
  if (saved && CONFIG.stations.includes(saved)) select.value = saved;
  state.station = select.value || null;
  if (!state.station) return;
  await db.setMeta("device", state.station);
  await signIn();
  select.onchange = () => { localStorage.setItem("wms.station", select.value); window.location.reload(); };
  const component = (CONFIG.components || {})[state.station];
  if (component) {
    state.component = new PrintComponent(component.url, { printer: component.printer, onState: showComponentState });
    showComponentState("connecting", state.component);
    state.component.connect();
  }
  $("read-scale").hidden = !CONFIG.scales.includes(state.station);
  $("read-scale").onclick = readScale;
  $("seal-form").addEventListener("submit", seal);
  $("drop-task").onclick = () => { state.task = null; renderTask(); say(t("Scan a tote or an order")); };
  // Scans are handled one after another: each awaits its outbox write, and two fast scans of the same
  // item must count twice, not race on the same count.
  let chain = Promise.resolve();
  const scanner = new Scanner($("scan"), (code) => {
    chain = chain.then(() => onScan(code)).catch((error) => say(String(error), "bad"));
  });
  scanner.focus();
  window.stationScan = (code) => scanner.deliver(code, "manual");  // manual entry and tests
  await loadQueue();
  updateQueued();
  const socket = window.io({ transports: ["websocket", "polling"] });
  socket.on("connect", async () => {
    setOnline(true);
    await signIn();  // started offline: the sign-in waited for the network
    // joined before the catch-up below: a label queued meanwhile is either in the catch-up's list or
    // pushed to a room we are already in (a batch posted while the station connects is never lost)
    const join = () => new Promise((resolve) => socket.timeout(5000).emit("join_station", { station: state.station },
      (error, answer) => resolve(!error && answer && answer.status === "joined")));
    if (!(await join())) {  // refused: the sign-in above did not get through; once more
      await signIn();
      await join();
    }
    await flush();
    await loadQueue();
    await resyncLabels();
    await loadNotPrinted();
  });
  socket.on("disconnect", () => setOnline(false));
  socket.on("pack.task_ready", () => loadQueue());
  socket.on("label.ready", (job) => printLabel(job));
  socket.on("waybill.failed", (info) => showWaybillFailure(info.parcel_id, info.message, info.failure_kind === "temporary"));
  socket.on("print.failed", (info) => { say(t("Printer problem: {error}", { error: info.error }), "bad"); loadNotPrinted(); });
  window.addEventListener("online", () => flush());
  setInterval(() => { outbox.count().then((n) => { if (n) flush(); }); }, 10000);
  window.addEventListener("offline", () => setOnline(false));
}

start();
