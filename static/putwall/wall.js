// The put wall's tablet screen (播种墙): scan an item from the pick-all cart, the slot for it lights;
// a complete slot says "pack"; a slot whose order was cancelled or held is red until the sorter takes
// its items out and clears it. Scans are floor events in the handheld's IndexedDB outbox
// (static/handheld/outbox.js, imported, not copied): written before the screen lights a slot, replayed
// in order to /api/putwall/events and applied exactly once by client UUID. Offline, the screen lights
// the slot the server's rule would choose (first slot by number still needing the SKU) from its cached
// copy of the wall, marked as predicted; the server's answer confirms or corrects it.
import { createApi, latestTurn, Offline } from "/static/js/api.js";
import * as db from "/static/handheld/db.js";
import * as outbox from "/static/handheld/outbox.js";
import * as feedback from "/static/handheld/feedback.js";
import { Scanner } from "/static/handheld/scanner.js";
import { messageOf, setLocale, t } from "/static/handheld/i18n.js";

// Its own IndexedDB (wms-putwall): in a browser profile that also runs the handheld or the station, the
// wall's outbox, sequence and device id stay apart from theirs.
db.useDatabase("wms-putwall");

const CONFIG = JSON.parse(document.getElementById("wall-config").textContent);
const $ = (id) => document.getElementById(id);
const api = createApi({ csrf: true });
const state = { wall: null, slots: [], lit: null, predicted: false, selected: null, device: null };
const STATUS = { free: "Free", sorting: "Sorting", complete: "Pack", stopped: "Take out" };

function say(text, kind = "info") {
  const el = $("message");
  el.textContent = text;
  el.className = `message ${kind}`;
  if (kind === "bad") feedback.bad();
  else if (kind === "good") feedback.good();
}

function setOnline(online) {
  const net = $("net");
  net.dataset.state = online ? "online" : "offline";
  net.textContent = online ? t("Online") : t("Offline");
}

async function updateQueued() {
  const n = await outbox.count();
  $("queued").textContent = n ? t("{n} waiting to send", { n }) : "";
}

const stateTurn = latestTurn();

async function loadState() {
  const mine = stateTurn();
  try {
    const body = await api("GET", `/api/putwall/walls/${CONFIG.wall_id}/state`);
    if (!mine()) return;  // a later load is on its way with a fresher wall
    await db.setMeta(`wall_state:${CONFIG.wall_id}`, body);
    adopt(body);
    setOnline(true);
  } catch (error) {
    if (!mine()) return;
    const cached = await db.getMeta(`wall_state:${CONFIG.wall_id}`, null);
    if (cached) adopt(cached);
    setOnline(false);
  }
}

function adopt(body) {
  state.wall = body.wall;
  state.slots = body.slots;
  render();
}

function render() {
  const grid = $("wall");
  const tiles = state.slots.map((slot) => {
    const tile = $("slot-tile").content.firstElementChild.cloneNode(true);
    tile.classList.add(slot.status);
    if (slot.code === state.lit) tile.classList.add("lit");
    if (slot.code === state.lit && state.predicted) tile.classList.add("predicted");
    tile.dataset.slot = slot.code;
    tile.dataset.status = slot.status;
    tile.querySelector(".code").textContent = slot.code;
    tile.querySelector(".order").textContent = slot.order || "";
    tile.querySelector(".state").textContent = t(STATUS[slot.status] || slot.status);
    tile.querySelector(".count").textContent = slot.order ? `${slot.units}/${slot.total}` : "";
    tile.onclick = () => select(slot.code);
    return tile;
  });
  grid.replaceChildren(...tiles);
  renderSelected();
}

function select(code) {
  state.selected = code;
  renderSelected();
}

function renderSelected() {
  const slot = state.slots.find((s) => s.code === state.selected);
  $("slot-card").hidden = !slot;
  if (!slot) return;
  $("slot-title").textContent = slot.code;
  let what = t("Free");
  if (slot.status === "sorting") what = t("Order {order}: {done} of {total} items in", { order: slot.order, done: slot.units, total: slot.total });
  if (slot.status === "complete") what = t("Order {order} complete: pack it (scan {slot} at the pack station)", { order: slot.order, slot: slot.code });
  if (slot.status === "stopped") what = slot.stopped === "on_hold"
    ? t("Order {order} is on hold after a short pick: take out {units} items, they go back to stock", { order: slot.order, units: slot.units })
    : t("Order {order} was cancelled or left its wave: take out {units} items, they go back to stock", { order: slot.order, units: slot.units });
  $("slot-what").textContent = what;
  $("slot-items").replaceChildren(...slot.items.map((item) => {
    const li = document.createElement("li");
    li.textContent = `${item.sku}: ${item.put} / ${item.qty}`;
    return li;
  }));
  $("clear-slot").hidden = slot.status !== "stopped";
}

// The server's rule (wms/putwall/sorting.py place), on the cached wall: for the offline screen only.
function predict(code) {
  const wants = (slot) => slot.status === "sorting" && slot.items.some((item) => (item.sku === code || item.barcodes.includes(code)) && item.put < item.qty);
  return state.slots.filter(wants).sort((a, b) => a.number - b.number)[0] || null;
}

async function onScan(code) {
  const slot = state.slots.find((s) => s.code === code);
  if (slot) {
    select(slot.code);
    if (slot.status === "stopped") return say(t("Slot {slot}: take its items out, then press clear", { slot: slot.code }), "bad");
    return say(t("Slot {slot}", { slot: slot.code }));
  }
  await outbox.record({ kind: "wall_put", wall: CONFIG.code, barcode: code, task_id: 0 });
  const guess = predict(code);
  state.lit = guess ? guess.code : null;
  state.predicted = true;
  render();
  await flush();
  // No answer yet (the network or the server is gone): the cached wall's guess, marked as one.
  if (state.predicted) say(guess ? t("Put it into slot {slot} (offline: to be confirmed)", { slot: guess.code }) : t("Offline: no slot known for {code}; put it aside", { code }), guess ? "good" : "bad");
}

async function clearSelected() {
  const slot = state.slots.find((s) => s.code === state.selected);
  if (!slot) return;
  await outbox.record({ kind: "wall_clear", wall: CONFIG.code, slot: slot.code, task_id: 0 });
  await flush();
}

async function send(events) {
  const body = await api("POST", "/api/putwall/events", { device: state.device, events });
  if (!body.answers) throw new Error("no answers");
  setOnline(true);
  return body.answers;
}

async function onAnswer(entry, answer) {
  if (answer.status === "accepted") {
    if (entry.kind === "wall_put") {
      state.lit = answer.slot;
      state.predicted = false;
    }
    say(messageOf(answer), "good");
  } else {
    if (entry.kind === "wall_put") {
      state.lit = null;
      state.predicted = false;
    }
    say(messageOf(answer), "bad");
  }
}

async function flush() {
  try {
    const had = await outbox.count();
    await outbox.flush(send, onAnswer);
    if (had) await loadState();
  } catch (error) {
    if (error instanceof Offline) setOnline(false);
    else say(String(error.message || error), "bad");
  }
  updateQueued();
}

async function start() {
  setLocale(CONFIG.locale);
  feedback.unlockOnGesture();
  state.device = localStorage.getItem(`wms.wall.${CONFIG.code}`) || `wall-${CONFIG.code}-${outbox.uuid().slice(0, 8)}`;
  localStorage.setItem(`wms.wall.${CONFIG.code}`, state.device);
  await db.setMeta("device", state.device);
  let chain = Promise.resolve();
  const scanner = new Scanner($("scan"), (code) => {
    chain = chain.then(() => onScan(code)).catch((error) => say(String(error), "bad"));
  });
  scanner.focus();
  window.wallScan = (code) => scanner.deliver(code, "manual");  // manual entry and tests
  $("clear-slot").onclick = () => { chain = chain.then(clearSelected); };
  await loadState();
  updateQueued();
  const socket = window.io({ transports: ["websocket", "polling"] });
  socket.on("connect", async () => {
    setOnline(true);
    await new Promise((resolve) => socket.timeout(5000).emit("join_wall", { wall_id: CONFIG.wall_id }, () => resolve()));
    await flush();
    await loadState();
  });
  socket.on("disconnect", () => setOnline(false));
  socket.on("wall.changed", () => loadState());
  socket.on("order.intercepted", () => loadState());
  window.addEventListener("online", () => flush());
  window.addEventListener("offline", () => setOnline(false));
  setInterval(() => { outbox.count().then((n) => { if (n) flush(); }); }, 10000);
}

start();
