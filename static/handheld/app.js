// The handheld app: boot (works with no network), login, my tasks, live pushes, outbox replay.
// Replay happens on app start, on `online`, on every socket (re)connect and after each action;
// after a replay the tasks are re-fetched over REST, so a missed push never loses a task.
import { Offline, SignedOut, createApi } from "../js/api.js";
import * as db from "./db.js";
import * as feedback from "./feedback.js";
import { MESSAGES, guessLocale, messageOf, setLocale, t } from "./i18n.js";
import * as outbox from "./outbox.js";
import { createCountScreen } from "./count.js";
import { createPickScreen, openLines } from "./pick.js";
import { Scanner, scanWithCamera } from "./scanner.js";
import { $, closeDialog, notice, numberPad, openDialog, show, toast } from "./ui.js";

const state = { token: null, user: null, device: null, tasks: [], socket: null, reachable: true, screen: "boot" };

// --- network ---------------------------------------------------------------------------------

// Bearer-token calls; a 401 means the server ended this login: drop the token, back to the login screen, saying
// why when the answer says it (a call can beat the session.revoked push, and dropping the token closes its socket).
const api = createApi({ bearer: () => state.token, onSignedOut: (answer) => (answer && answer.reason ? revoked(answer) : signedOut()) });

function socketUp() {
  return Boolean(state.socket && state.socket.connected);
}

// Send outbox events: one by one over the socket (ack = answer), the rest as one REST batch.
async function send(events) {
  const answers = [];
  if (socketUp()) {
    for (const event of events) {
      try {
        answers.push(await state.socket.timeout(10000).emitWithAck("floor_event", event));
      } catch (error) {
        break;
      }
    }
  }
  if (answers.length === events.length) return answers;
  return answers.concat(await sendRest(events.slice(answers.length)));
}

async function sendRest(events) {
  return (await api("POST", "/api/handheld/events", { events })).answers;
}

async function onAnswer(entry, answer) {
  if (answer.status === "rejected") {
    feedback.bad();
    notice(messageOf(answer));
  }
  await loadTasks();
}

// --- sync: replay the outbox, then re-fetch my tasks -------------------------------------------

let syncing = null;
let syncAgain = false;

function sync() {
  if (!state.token) return Promise.resolve();
  if (syncing) {
    syncAgain = true;
    return syncing;
  }
  syncing = (async () => {
    do {
      syncAgain = false;
      try {
        await outbox.flush(send, onAnswer);
        await refresh();
        setReachable(true);
      } catch (error) {
        if (error instanceof Offline) setReachable(false);
        else if (!(error instanceof SignedOut)) console.warn("sync failed", error);
      }
    } while (syncAgain && state.reachable);
  })().finally(() => { syncing = null; updateBanner(); });
  return syncing;
}

async function refresh() {
  const data = await api("GET", "/api/handheld/bootstrap");
  state.user = data.user;
  await db.setMeta("user", data.user);
  await db.setMeta("catalogue", data.catalogue);
  setLocale(data.user.locale, data.catalogue);
  await outbox.adoptServerTasks(data.tasks);
  await loadTasks();
  await counting.refresh();
}

async function loadTasks() {
  state.tasks = (await db.all("tasks")).sort((a, b) => a.id - b.id);
  if (state.screen === "pick") {
    // the task open now, read after the wait: a tap while the tasks were read opened one the list has
    if (!state.tasks.some((task) => task.id === pick.taskId)) {
      showTasks();
      return;
    }
    pick.render();
  } else if (state.screen === "tasks") {
    renderTasks();
  }
  updateBanner();
}

function setReachable(ok) {
  state.reachable = ok;
  updateBanner();
}

async function updateBanner() {
  const queued = await outbox.count();
  const online = navigator.onLine && state.reachable;
  document.body.dataset.queued = queued;
  document.body.dataset.online = online ? "yes" : "no";
  const banner = $("banner");
  banner.hidden = online && queued === 0;
  banner.classList.toggle("online", online);
  $("banner-text").textContent = online
    ? t("Sending {n} actions", { n: queued })
    : t("Offline - {n} actions queued", { n: queued });
}

// --- socket ----------------------------------------------------------------------------------

function connect() {
  if (state.socket) state.socket.disconnect();
  if (!window.io || !state.token) return;
  const socket = window.io({ auth: { token: state.token }, transports: ["websocket", "polling"] });
  state.socket = socket;
  socket.on("connect", () => { document.body.dataset.socket = "up"; setReachable(true); sync(); });
  socket.on("disconnect", () => { document.body.dataset.socket = "down"; updateBanner(); });
  socket.on("connect_error", () => updateBanner());
  socket.on("task.assigned", () => sync());
  socket.on("order.intercepted", () => sync());
  socket.on("count.raised", () => counting.refresh());
  socket.on("count.done", () => counting.refresh());
  socket.on("session.revoked", (data) => revoked(data || {}));
  socket.on("task.available", () => { if (!state.tasks.length) toast(t("New work is available"), "info"); });
  socket.on("task.withdrawn", async ({ task_id: taskId, reason }) => {
    const task = state.tasks.find((x) => x.id === taskId);
    await db.remove("tasks", taskId);  // its unsent events stay in the outbox and get their answers
    feedback.bad();
    notice(t("Task {task} was taken off this device: {reason}", { task: task ? task.code : taskId, reason: t(reason || "") }));
    await loadTasks();
    sync();
  });
}

// --- screens ---------------------------------------------------------------------------------

function go(screen) {
  state.screen = screen;
  show(screen);
}

function showTasks() {
  go("tasks");
  renderTasks();
}

function renderTasks() {
  $("who").textContent = state.user ? `${state.user.name}` : "";
  const list = $("task-list");
  list.replaceChildren(...state.tasks.filter((task) => openLines(task).length).map((task) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.taskId = task.id;
    const code = document.createElement("span");
    code.textContent = task.code;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = t("{done} / {total} lines", { done: task.lines.length - openLines(task).length, total: task.lines.length });
    button.append(code, meta);
    button.addEventListener("click", () => openTask(task.id));
    item.appendChild(button);
    return item;
  }));
  $("no-tasks").hidden = list.children.length > 0;
}

function openTask(taskId) {
  state.screen = "pick";
  pick.open(taskId);
}

function finished(task) {
  go("done");
  $("done-text").textContent = t(MESSAGES.task_done, { task: task.code });
  clearTimeout(finished.timer);
  finished.timer = setTimeout(() => { if (state.screen === "done") showTasks(); }, 4000);
}

async function record(fields) {
  await outbox.record(fields);  // in IndexedDB before the screen says done
  state.tasks = (await db.all("tasks")).sort((a, b) => a.id - b.id);
  await updateBanner();  // the banner counts this event before the screen moves on
  sync();
}

const counting = createCountScreen({
  fetchTasks: async () => (await api("GET", "/api/inventory/count-tasks")).count_tasks,
  record,
  go,
  onLeave: showTasks,
});

const pick = createPickScreen({
  getTask: (id) => state.tasks.find((task) => task.id === id),
  record,
  onFinished: finished,
  openCamera: () => cameraScan(),
});

async function getWork() {
  const button = $("get-work");
  button.disabled = true;
  try {
    const data = socketUp() ? await state.socket.timeout(10000).emitWithAck("get_work")
      : await api("POST", "/api/handheld/work");
    if (!data || !data.task) {
      toast(t(data && data.message ? data.message : "No work right now"), "info");
      return;
    }
    await sync();
    if (!state.tasks.some((task) => task.id === data.task.id)) {
      await outbox.adoptServerTasks([...state.tasks.filter((x) => x.id !== data.task.id), data.task]);
      await loadTasks();
    }
    openTask(data.task.id);
  } catch (error) {
    toast(error instanceof Offline || !navigator.onLine ? t("Offline: getting work needs the network") : t(error.message), "bad");
  } finally {
    button.disabled = false;
  }
}

// --- login -----------------------------------------------------------------------------------

async function logIn(credentials) {
  $("login-error").textContent = "";
  try {
    const data = await api("POST", "/api/auth/handheld", { ...credentials, device: state.device });
    if (data.home) return await handOver(data);
    state.token = data.token;
    state.user = data.user;
    await db.setMeta("token", data.token);
    await db.setMeta("user", data.user);
    setLocale(data.user.locale);
    feedback.good();
    showTasks();
    connect();
    await sync();
  } catch (error) {
    feedback.bad();
    $("login-error").textContent = error instanceof Offline ? t("No network: logging in needs the network") : t(error.message);
  }
}

// A role whose place is a desk screen (a packer: the pack station): the login becomes this browser's
// desk session and the app opens that screen; the handheld keeps no token.
async function handOver(data) {
  const desk = createApi({ bearer: () => data.token, onSignedOut: () => signedOut() });
  const answer = await desk("POST", "/api/auth/session");
  feedback.good();
  window.location.assign(answer.home);
}

async function signedOut() {
  state.token = null;
  await db.setMeta("token", null);
  if (state.socket) state.socket.disconnect();
  go("login");
}

async function logOut() {
  const queued = await outbox.count();
  if (queued) {
    notice(t("{n} actions are not sent yet: connect to the network before logging out", { n: queued }));
    return;
  }
  await db.transaction(["tasks"], (s) => { s.tasks.clear(); });
  await db.setMeta("counts", []);
  state.tasks = [];
  try {
    await api("POST", "/api/auth/logout");  // the token stops working on the server too
  } catch (error) {
    // offline: the token is dropped here and still ends at its expiry
  }
  await signedOut();
}

// The server ended this login (deactivated, PIN changed, device disabled, role changed, logged out
// elsewhere): drop the token, say why, and go back to the login screen.
let toldWhy = null;  // the push and a refused call may both say it: once is enough
async function revoked({ message }) {
  const text = t(message || "Signed out");
  const again = !state.token && toldWhy === text;
  toldWhy = text;
  await signedOut();
  $("login-error").textContent = text;
  if (again) return;
  feedback.bad();
  notice(text, "Signed out");
}

const pinPad = numberPad("pin-pad", "pin-display", {
  mask: true,
  onOk: (pin) => logIn({ username: $("login-username").value.trim(), pin }),
});

// --- scanning --------------------------------------------------------------------------------

function onScan(code) {
  if (state.screen === "login") {
    if (code.startsWith("WMSBADGE:")) logIn({ badge: code });
    else { feedback.bad(); $("login-error").textContent = t("That is not a badge"); }
  } else if (state.screen === "pick") {
    pick.onScan(code);
  } else if (state.screen === "count" || state.screen === "counts") {
    counting.onScan(code);
  } else if (state.screen === "tasks") {
    toast(t("Open a task first"), "info");
  }
}

async function cameraScan() {
  $("camera-hint").textContent = t("Point the camera at the barcode");
  const dialog = openDialog("camera-dialog");
  try {
    const code = await scanWithCamera($("camera-video"), () => dialog.open);
    closeDialog("camera-dialog");
    if (code) scanner.deliver(code, "camera");
  } catch (error) {
    $("camera-hint").textContent = t("Camera not available: {error}", { error: error.message });
  }
}

const scanner = new Scanner($("scan"), onScan);

// --- service worker: offline shell and the update prompt --------------------------------------

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/service-worker.js", { scope: "/" });
  let waiting = null;
  let accepted = false;
  const offer = (worker) => { waiting = worker; $("update").hidden = false; };
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
  navigator.serviceWorker.addEventListener("controllerchange", () => { if (accepted) window.location.reload(); });
  $("update-now").addEventListener("click", () => {
    accepted = true;
    if (waiting) waiting.postMessage({ type: "SKIP_WAITING" });
  });
  setInterval(() => registration.update().catch(() => {}), 15 * 60 * 1000);
}

// --- boot ------------------------------------------------------------------------------------

async function deviceId() {
  let id = localStorage.getItem("wms.device") || await db.getMeta("device");
  if (!id) id = `HH-${outbox.uuid().slice(0, 8).toUpperCase()}`;
  localStorage.setItem("wms.device", id);
  await db.setMeta("device", id);
  return id;
}

// A desk user who may pick opened the app from the menu (/app/take): the handheld login it made travels in
// the URL's fragment, which no request carries; it is taken and the fragment cleared at once.
async function takeFromDesk() {
  const given = new URLSearchParams(window.location.hash.slice(1));
  if (!given.get("token")) return;
  history.replaceState(null, "", window.location.pathname);
  if (given.get("device")) {
    state.device = given.get("device");
    localStorage.setItem("wms.device", state.device);
    await db.setMeta("device", state.device);
  }
  state.token = given.get("token");
  await db.setMeta("token", state.token);
  try {
    state.user = await api("GET", "/api/auth/me");
    await db.setMeta("user", state.user);
  } catch (error) {
    state.token = null;  // the login ended meanwhile (or no network): the PIN pad it is
    await db.setMeta("token", null);
  }
}

async function boot() {
  feedback.unlockOnGesture();
  state.device = await deviceId();
  state.token = await db.getMeta("token");
  state.user = await db.getMeta("user");
  await takeFromDesk();
  setLocale(state.user ? state.user.locale : guessLocale(), await db.getMeta("catalogue"));
  $("get-work").addEventListener("click", getWork);
  $("logout").addEventListener("click", logOut);
  $("pick-back").addEventListener("click", showTasks);
  $("done-ok").addEventListener("click", showTasks);
  $("banner-sync").addEventListener("click", () => sync());
  $("login-camera").addEventListener("click", cameraScan);
  const typeCode = () => { $("type-input").value = ""; openDialog("type-dialog"); $("type-input").focus(); };
  $("pick-type").addEventListener("click", typeCode);
  $("count-type").addEventListener("click", typeCode);
  $("type-ok").addEventListener("click", () => { closeDialog("type-dialog"); scanner.deliver($("type-input").value, "manual"); });
  window.addEventListener("online", () => sync());
  window.addEventListener("offline", () => updateBanner());
  if (state.token) {
    state.tasks = (await db.all("tasks")).sort((a, b) => a.id - b.id);
    showTasks();
    connect();
    sync();  // replay on app start
  } else {
    go("login");
  }
  pinPad.set("");
  await counting.load();
  scanner.focus();
  updateBanner();
  registerServiceWorker().catch((error) => console.warn("service worker", error));
  window.wmsHandheld = { state, sync, outboxCount: outbox.count };
  document.body.dataset.ready = "yes";
}

boot();
