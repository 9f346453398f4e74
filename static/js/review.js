// Review desk: select-all, bulk approve guard, and live refresh of the queue.
// Live: Socket.IO (window.io, vendored) when present, otherwise polls the JSON queue every 10 s.
// Buyer text is only ever written with textContent.
import { latestTurn } from "./api.js";

const table = document.getElementById("queue-table");
const status = document.getElementById("live-status");
const POLL_MS = 10000;

function rowsOf() {
  return table ? Array.from(table.tBodies[0].querySelectorAll("tr[data-id]")) : [];
}

function selectAll() {
  const box = document.getElementById("select-all");
  if (!box) return;
  box.addEventListener("change", () => {
    rowsOf().forEach((tr) => { tr.querySelector("input[type=checkbox]").checked = box.checked; });
  });
  const form = document.getElementById("bulk-form");
  form?.addEventListener("submit", (event) => {
    if (event.submitter?.classList.contains("merge-twins")) return; // a row's one-click merge
    if (!form.querySelector("input[name=order_ids]:checked")) event.preventDefault();
  });
}

function money(cents, currency) {
  return `${currency} ${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function age(minutes) {
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 2880) return `${Math.floor(minutes / 60)}h`;
  return `${Math.floor(minutes / 1440)}d`;
}

function cell(tr, text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  if (text !== undefined) td.textContent = text;
  tr.appendChild(td);
  return td;
}

const KNOWN = new Set(["required_fields", "address", "phone", "payment", "unknown_sku", "duplicate",
  "remark", "blacklist", "amount", "manual", "shortage"]);

function renderRow(row, labels, checked) {
  const tr = document.createElement("tr");
  tr.dataset.id = row.id;
  const box = document.createElement("input");
  Object.assign(box, { type: "checkbox", name: "order_ids", value: String(row.id), checked });
  cell(tr).appendChild(box);
  const link = document.createElement("a");
  link.href = `/review/orders/${row.id}`;
  link.className = "mono";
  link.textContent = row.external_id;
  const number = cell(tr);
  number.appendChild(link);
  for (const tag of row.tags || []) number.append(" ", tagChip(tag));
  cell(tr, row.channel);
  cell(tr, row.buyer_name);
  cell(tr, row.city);
  cell(tr, String(row.item_count), "num");
  cell(tr, money(row.total_cents, row.currency), "num");
  cell(tr, age(row.age_minutes));
  const state = document.createElement("span");
  state.className = `state state-${row.status}`;
  state.textContent = labels[row.status] || row.status;
  cell(tr).appendChild(state);
  const reasons = cell(tr);
  if (row.presale_label) {
    const chip = document.createElement("span");
    chip.className = "chip presale";
    chip.textContent = row.presale_label;
    reasons.appendChild(chip);
  }
  for (const reason of row.reasons) {
    const chip = document.createElement("span");
    chip.className = `chip reason reason-${KNOWN.has(reason.code) ? reason.code : "other"}`;
    chip.title = reason.text || reason.detail;
    chip.textContent = reason.label || labels[reason.code] || reason.code;
    reasons.appendChild(chip);
  }
  for (const flag of row.flags || []) {
    const chip = document.createElement("span");
    chip.className = `chip flag reason-${KNOWN.has(flag.code) ? flag.code : "other"}`;
    chip.title = flag.text || flag.detail;
    chip.textContent = `⚑ ${flag.label || labels[flag.code] || flag.code}`;
    reasons.appendChild(chip);
    if (flag.code === "duplicate") reasons.appendChild(mergeButton(row));
  }
  return tr;
}

function tagChip(tag) {
  // A tag is words a person typed: shown as text, and a link to the queue filtered by it.
  const chip = document.createElement("a");
  const params = new URLSearchParams(window.location.search);
  ["page", "after", "before", "last"].forEach((name) => params.delete(name));
  params.set("tag", tag);
  chip.href = `${window.location.pathname}?${params}`;
  chip.className = "chip tag";
  chip.translate = false;   // data a person typed: never a word to translate
  chip.textContent = tag;
  return chip;
}

function mergeButton(row) {
  const button = document.createElement("button");
  Object.assign(button, { className: "merge-twins", name: "expected_version", value: String(row.version),
    textContent: table.dataset.mergeLabel, title: table.dataset.mergeTitle });
  button.formAction = `/review/orders/${row.id}/merge-twins`;
  return button;
}

function labelsFrom() {
  const labels = {};
  table.querySelectorAll("tbody .chip.reason, tbody .chip.flag, tbody .state").forEach((el) => {
    const code = [...el.classList].find((c) => c.startsWith("reason-") || c.startsWith("state-"));
    const text = el.textContent.replace(/^⚑ /, "");
    if (code && !code.endsWith("-other")) labels[code.replace(/^(reason|state)-/, "")] = text;
  });
  return labels;
}

const refreshTurn = latestTurn();

async function refresh() {
  if (!table) return;
  const mine = refreshTurn();
  const response = await fetch(table.dataset.api, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) return;
  const page = await response.json();
  if (!mine()) return;  // events came in a burst: a later refresh brings the fresher page
  const checked = new Set(rowsOf().filter((tr) => tr.querySelector("input").checked).map((tr) => tr.dataset.id));
  const before = new Map(rowsOf().map((tr) => [tr.dataset.id, tr.textContent]));
  const labels = labelsFrom();
  const body = table.tBodies[0];
  const fresh = page.rows.map((row) => renderRow(row, labels, checked.has(String(row.id))));
  fresh.forEach((tr) => { if (before.get(tr.dataset.id) !== tr.textContent) tr.classList.add("changed"); });
  if (fresh.length) body.replaceChildren(...fresh);
}

let timer = null;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(async () => { await refresh().catch(() => {}); schedule(); }, POLL_MS);
}

function live() {
  if (!table) return;
  if (typeof window.io === "function") {
    const socket = window.io({ transports: ["websocket", "polling"] });
    const onEvent = () => refresh().catch(() => {});
    ["order.state_changed", "orders.reviewed", "order.updated"].forEach((name) => socket.on(name, onEvent));
    socket.on("order.ship_by_due", (alert) => {  // pushed to supervisors when an order is about to breach its ship-by
      const banner = document.getElementById("ship-by-alert");
      if (!banner || !alert) return;
      document.getElementById("ship-by-alert-order").textContent = alert.external_id || "";
      banner.hidden = false;
      onEvent();
    });
    socket.on("connect", () => { clearTimeout(timer); status.textContent = status.dataset.liveLabel; onEvent(); });
    socket.on("disconnect", () => { status.textContent = status.dataset.pollLabel; schedule(); });
    return;
  }
  status.textContent = status.dataset.pollLabel;
  schedule();
}

selectAll();
live();
