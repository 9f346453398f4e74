// The counting screens: the open count tasks (raised by short picks), then one task: scan the bin,
// scan the item, enter how many are in the bin, confirm. The confirmation is a floor event (kind
// "count") written to the outbox like a pick, so it works offline and is applied exactly once.
// The list is kept in IndexedDB (meta "counts") for offline use; a task whose count still waits in
// the outbox is not listed again.
import * as db from "./db.js";
import * as feedback from "./feedback.js";
import { MESSAGES, t } from "./i18n.js";
import * as outbox from "./outbox.js";
import { $, numberPad, toast } from "./ui.js";

const NO_TASK = 0;  // a count is no pick task's event: 0 is never a task id

export function createCountScreen({ fetchTasks, record, go, onLeave }) {
  const at = { tasks: [], id: null, bin: null, sku: null };

  async function waitingIds() {
    return new Set((await outbox.pending()).filter((e) => e.kind === "count").map((e) => e.count_id));
  }

  async function load() {
    const waiting = await waitingIds();
    at.tasks = (await db.getMeta("counts", [])).filter((task) => !waiting.has(task.id));
    renderBadge();
    if (document.body.classList.contains("screen-counts")) renderList();
  }

  // From the server when it answers; the stored list otherwise.
  async function refresh() {
    try {
      const tasks = await fetchTasks();
      await db.setMeta("counts", tasks);
    } catch (error) {
      console.warn("count tasks", error.message);
    }
    await load();
  }

  // A login in another language (or the server's catalogue arriving) redraws what this screen wrote.
  document.addEventListener("locale-changed", () => { renderBadge(); if (at.id) render(); });

  function renderBadge() {
    const button = $("open-counts");
    button.textContent = t("Count tasks ({n})", { n: at.tasks.length });
    button.classList.toggle("has-work", at.tasks.length > 0);
  }

  function renderList() {
    const list = $("count-list");
    list.replaceChildren(...at.tasks.map((task) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.countId = task.id;
      const bin = document.createElement("span");
      bin.textContent = task.bin.code;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = task.sku.code;
      button.append(bin, meta);
      button.addEventListener("click", () => open(task.id));
      item.appendChild(button);
      return item;
    }));
    $("no-counts").hidden = at.tasks.length > 0;
  }

  function showList() {
    at.id = null;
    go("counts");
    renderList();
  }

  const current = () => at.tasks.find((task) => task.id === at.id) || null;

  function open(id) {
    at.id = id;
    at.bin = null;
    at.sku = null;
    pad.set("");
    go("count");
    render();
  }

  function render() {
    const task = current();
    if (!task) { showList(); return; }
    $("count-bin").textContent = task.bin.code;
    $("count-bin").classList.toggle("scanned", Boolean(at.bin));
    $("count-sku-code").textContent = task.sku.code;
    $("count-sku-name").textContent = task.sku.name;
    const step = $("count-step");
    step.classList.toggle("sku-step", Boolean(at.bin));
    if (!at.bin) step.textContent = t("Scan bin {bin}", { bin: task.bin.code });
    else if (!at.sku) step.textContent = t("Scan item {sku}", { sku: task.sku.code });
    else step.textContent = t("Count every {sku} in the bin, enter the number", { sku: task.sku.code });
    $("count-entry").hidden = !at.sku;
    $("screen-count").classList.toggle("entering", Boolean(at.sku));
    $("count-confirm").disabled = !(at.sku && pad.value !== "");
  }

  function error(text) {
    feedback.bad();
    toast(text, "bad");
  }

  function onScan(code) {
    const task = current();
    if (!task) { toast(t("Open a count task first"), "info"); return; }
    const isBin = code === task.bin.barcode || code === task.bin.code;
    const isSku = code === task.sku.code || task.sku.barcodes.includes(code);
    if (!at.bin) {
      if (isBin) { at.bin = code; feedback.good(); render(); }
      else if (isSku) error(t("Scan the bin first: {bin}", { bin: task.bin.code }));
      else error(t(MESSAGES.wrong_bin, { scanned: code, expected: task.bin.code }));
      return;
    }
    if (isBin) return;
    if (!isSku) { error(t(MESSAGES.wrong_sku, { scanned: code, sku: task.sku.code, name: task.sku.name })); return; }
    at.sku = code;
    feedback.good();
    render();
  }

  const pad = numberPad("count-qty-pad", "count-qty-display", { onChange: () => { if (at.id) render(); } });

  async function confirm() {
    const task = current();
    if (!task || !at.sku || pad.value === "") return;
    const qty = Number(pad.value);
    await record({ kind: "count", task_id: NO_TASK, count_id: task.id, bin: at.bin, barcode: at.sku, qty });
    feedback.done();
    toast(t(MESSAGES.count_recorded, { qty, sku: task.sku.code, bin: task.bin.code }));
    await load();
    showList();
  }

  $("open-counts").addEventListener("click", () => { showList(); refresh(); });
  $("counts-back").addEventListener("click", onLeave);
  $("count-back").addEventListener("click", showList);
  $("count-confirm").addEventListener("click", confirm);

  return { refresh, load, onScan, showList, get open() { return at.id; } };
}
